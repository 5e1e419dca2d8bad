package io.changeviews.connectors.change;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a DynamoDB change record, in the Kinesis-Data-Streams-for-DynamoDB JSON format or the
 * DynamoDB Streams record format, into a {@link ChangeEvent}.
 *
 * <p>Both formats carry {@code eventID}, {@code eventName}, {@code userIdentity} and a {@code
 * dynamodb} object with {@code ApproximateCreationDateTime}, {@code Keys}, {@code NewImage} and
 * {@code OldImage}. The time comes in seconds (DynamoDB Streams), milliseconds (KDS default) or
 * microseconds (KDS with MICROSECOND precision); an explicit {@code
 * ApproximateCreationDateTimePrecision} wins, otherwise the magnitude tells, which is unambiguous
 * for any time after 1973.
 */
public final class ChangeRecordDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final BigDecimal SECONDS_LIMIT = new BigDecimal("1e11");
    private static final BigDecimal MILLIS_LIMIT = new BigDecimal("1e14");
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000L);
    private static final BigDecimal MIN_NUMBER = new BigDecimal("1E-130");
    private static final BigDecimal MAX_NUMBER = new BigDecimal("1E126");

    /**
     * Change times after this (the year 9999) are garbage, and would not fit a long in microseconds
     * anyway.
     */
    private static final BigDecimal MAX_MICROS = new BigDecimal("253402300800000000");

    private transient ObjectMapper mapper;

    /**
     * @param payload the record's bytes
     * @param defaultTable the table to assume when the record has no {@code tableName} (DynamoDB
     *     Streams records do not carry it); null to require it
     * @param sourceSequenceNumber the transport's sequence number, used when the record has no
     *     {@code dynamodb.SequenceNumber}
     */
    public ChangeEvent decode(byte[] payload, String defaultTable, String sourceSequenceNumber)
            throws DecodeException {
        JsonNode root;
        try {
            root = mapper().readTree(payload);
        } catch (JsonProcessingException e) {
            throw new DecodeException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DecodeException("unreadable record: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DecodeException("record is not a JSON object");
        }
        String table = text(root, "tableName");
        if (table == null) {
            table = defaultTable;
        }
        if (table == null || table.isEmpty()) {
            throw new DecodeException("missing tableName");
        }
        ChangeType type = changeType(text(root, "eventName"));
        JsonNode ddb = root.get("dynamodb");
        if (ddb == null || !ddb.isObject()) {
            throw new DecodeException("missing dynamodb object");
        }
        long micros = changeTimeMicros(ddb);
        Map<String, DdbValue> keys = image(ddb, "Keys");
        if (keys == null || keys.isEmpty()) {
            throw new DecodeException("missing dynamodb.Keys");
        }
        for (Map.Entry<String, DdbValue> key : keys.entrySet()) {
            DdbValue.Type t = key.getValue().type();
            if (t != DdbValue.Type.S && t != DdbValue.Type.N && t != DdbValue.Type.B) {
                throw new DecodeException(
                        "key attribute "
                                + key.getKey()
                                + " has type "
                                + t
                                + ", expected S, N or B");
            }
        }
        Map<String, DdbValue> newImage = image(ddb, "NewImage");
        Map<String, DdbValue> oldImage = image(ddb, "OldImage");
        if (type != ChangeType.REMOVE && newImage == null) {
            throw new DecodeException(
                    type
                            + " without dynamodb.NewImage: the stream must include new images"
                            + " (NEW_IMAGE or NEW_AND_OLD_IMAGES)");
        }
        String sequence = text(ddb, "SequenceNumber");
        if (sequence == null) {
            sequence = sourceSequenceNumber;
        }
        JsonNode identity = root.get("userIdentity");
        boolean ttl =
                identity != null
                        && "Service".equals(text(identity, "type"))
                        && "dynamodb.amazonaws.com".equals(text(identity, "principalId"));
        return new ChangeEvent(
                table,
                type,
                keys,
                oldImage,
                newImage,
                micros,
                text(root, "eventID"),
                sequence,
                ttl);
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        }
        return mapper;
    }

    private static ChangeType changeType(String name) throws DecodeException {
        if (name == null) {
            throw new DecodeException("missing eventName");
        }
        try {
            return ChangeType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new DecodeException(
                    "unknown eventName '"
                            + abbreviate(name)
                            + "', expected INSERT, MODIFY or REMOVE");
        }
    }

    private static long changeTimeMicros(JsonNode ddb) throws DecodeException {
        JsonNode node = ddb.get("ApproximateCreationDateTime");
        if (node == null || node.isNull()) {
            throw new DecodeException("missing dynamodb.ApproximateCreationDateTime");
        }
        BigDecimal value;
        try {
            value = node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText());
        } catch (NumberFormatException e) {
            throw new DecodeException(
                    "dynamodb.ApproximateCreationDateTime is not a number: "
                            + abbreviate(node.toString()));
        }
        if (value.signum() <= 0) {
            throw new DecodeException(
                    "dynamodb.ApproximateCreationDateTime is not positive: " + value);
        }
        String precision = text(ddb, "ApproximateCreationDateTimePrecision");
        BigDecimal micros;
        if ("MICROSECOND".equals(precision)) {
            micros = value;
        } else if ("MILLISECOND".equals(precision)) {
            micros = value.multiply(THOUSAND);
        } else if (value.compareTo(SECONDS_LIMIT) < 0) {
            micros = value.multiply(MILLION);
        } else if (value.compareTo(MILLIS_LIMIT) < 0) {
            micros = value.multiply(THOUSAND);
        } else {
            micros = value;
        }
        if (micros.compareTo(MAX_MICROS) > 0) {
            throw new DecodeException(
                    "dynamodb.ApproximateCreationDateTime is after the year 9999: "
                            + abbreviate(value.toString()));
        }
        return micros.longValue();
    }

    private static Map<String, DdbValue> image(JsonNode ddb, String field) throws DecodeException {
        JsonNode node = ddb.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new DecodeException("dynamodb." + field + " is not an object");
        }
        return attributes(node, "dynamodb." + field);
    }

    private static Map<String, DdbValue> attributes(JsonNode object, String path)
            throws DecodeException {
        Map<String, DdbValue> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), value(e.getValue(), path + "." + e.getKey()));
        }
        return out;
    }

    /**
     * Reads one typed attribute value. Serializers built on the AWS SDK v1 model (the DynamoDB
     * Streams adapter) may write every descriptor with empty sets beside the real one, so null
     * members and empty arrays are skipped when another descriptor is present.
     */
    static DdbValue value(JsonNode node, String path) throws DecodeException {
        if (node == null || !node.isObject() || node.size() == 0) {
            throw new DecodeException(path + ": not a typed attribute value");
        }
        String descriptor = null;
        JsonNode content = null;
        String emptyArrayDescriptor = null;
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (v.isArray() && v.size() == 0) {
                emptyArrayDescriptor = e.getKey();
                continue;
            }
            if (descriptor != null) {
                throw new DecodeException(
                        path
                                + ": more than one type descriptor ("
                                + descriptor
                                + ", "
                                + e.getKey()
                                + ")");
            }
            descriptor = e.getKey();
            content = v;
        }
        if (descriptor == null) {
            if (emptyArrayDescriptor == null) {
                throw new DecodeException(path + ": no type descriptor");
            }
            descriptor = emptyArrayDescriptor;
            content = node.get(emptyArrayDescriptor);
        }
        DdbValue.Type type;
        try {
            type = DdbValue.Type.valueOf(descriptor);
        } catch (IllegalArgumentException e) {
            throw new DecodeException(path + ": unknown type descriptor " + abbreviate(descriptor));
        }
        switch (type) {
            case S:
                return DdbValue.s(textual(content, path));
            case N:
                return DdbValue.n(number(content, path));
            case B:
                return DdbValue.b(binary(content, path));
            case BOOL:
                if (!content.isBoolean()) {
                    throw new DecodeException(path + ": BOOL is not a boolean");
                }
                return DdbValue.bool(content.booleanValue());
            case NULL:
                return DdbValue.nul();
            case L:
                List<DdbValue> list = new ArrayList<>();
                for (JsonNode element : array(content, path)) {
                    list.add(value(element, path + "[" + list.size() + "]"));
                }
                return DdbValue.l(list);
            case M:
                if (!content.isObject()) {
                    throw new DecodeException(path + ": M is not an object");
                }
                return DdbValue.m(attributes(content, path));
            case SS:
                List<String> strings = new ArrayList<>();
                for (JsonNode element : array(content, path)) {
                    strings.add(textual(element, path));
                }
                return DdbValue.ss(strings);
            case NS:
                List<BigDecimal> numbers = new ArrayList<>();
                for (JsonNode element : array(content, path)) {
                    numbers.add(number(element, path));
                }
                return DdbValue.ns(numbers);
            case BS:
                List<byte[]> binaries = new ArrayList<>();
                for (JsonNode element : array(content, path)) {
                    binaries.add(binary(element, path));
                }
                return DdbValue.bs(binaries);
            default:
                throw new DecodeException(path + ": unsupported type " + type);
        }
    }

    private static JsonNode array(JsonNode node, String path) throws DecodeException {
        if (!node.isArray()) {
            throw new DecodeException(path + ": expected an array");
        }
        return node;
    }

    private static String textual(JsonNode node, String path) throws DecodeException {
        if (!node.isTextual()) {
            throw new DecodeException(path + ": expected a string, got " + node.getNodeType());
        }
        return node.textValue();
    }

    private static BigDecimal number(JsonNode node, String path) throws DecodeException {
        BigDecimal n;
        try {
            if (node.isNumber()) {
                n = node.decimalValue();
            } else if (node.isTextual()) {
                n = new BigDecimal(node.textValue());
            } else {
                throw new DecodeException(path + ": expected a number, got " + node.getNodeType());
            }
        } catch (NumberFormatException e) {
            throw new DecodeException(path + ": not a number: '" + abbreviate(node.asText()) + "'");
        }
        // DynamoDB itself holds no more: this also keeps absurd exponents from blowing up later
        // arithmetic.
        BigDecimal abs = n.abs().stripTrailingZeros();
        if (n.signum() != 0
                && (abs.precision() > 38
                        || abs.compareTo(MIN_NUMBER) < 0
                        || abs.compareTo(MAX_NUMBER) >= 0)) {
            throw new DecodeException(
                    path
                            + ": "
                            + abbreviate(n.toString())
                            + " is not a DynamoDB number (38 digits, 1E-130 to 1E126)");
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

    private static byte[] binary(JsonNode node, String path) throws DecodeException {
        String text = textual(node, path);
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new DecodeException(path + ": B is not base64");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
