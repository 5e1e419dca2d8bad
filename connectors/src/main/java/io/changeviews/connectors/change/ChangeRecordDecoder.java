package io.changeviews.connectors.change;

import static io.changeviews.connectors.ddb.AttributeCodec.abbreviate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.connectors.ddb.InvalidAttributeException;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
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
        try {
            return AttributeCodec.itemFromJson(node, "dynamodb." + field);
        } catch (InvalidAttributeException e) {
            throw new DecodeException(e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
