package io.changeviews.connectors.change;

import static io.changeviews.connectors.ddb.AttributeCodec.abbreviate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.connectors.ddb.DynamoDbLimits;
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
        Record r;
        try (JsonParser p = mapper().createParser(payload)) {
            r = Record.read(p);
        } catch (JsonProcessingException e) {
            throw new DecodeException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DecodeException("unreadable record: " + e.getMessage(), e);
        }
        if (r == null) {
            throw new DecodeException("record is not a JSON object");
        }
        String table = r.tableName;
        if (table == null) {
            table = defaultTable;
        }
        if (table == null || table.isEmpty()) {
            throw new DecodeException("missing tableName");
        }
        ChangeType type = changeType(r.eventName);
        if (!r.hasDynamodb) {
            throw new DecodeException("missing dynamodb object");
        }
        long micros = changeTimeMicros(r.changeTime, r.precision);
        Map<String, DdbValue> keys = r.keys.get();
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
        Map<String, DdbValue> newImage = r.newImage.get();
        Map<String, DdbValue> oldImage = r.oldImage.get();
        if (type != ChangeType.REMOVE && newImage == null) {
            throw new DecodeException(
                    type
                            + " without dynamodb.NewImage: the stream must include new images"
                            + " (NEW_IMAGE or NEW_AND_OLD_IMAGES)");
        }
        // An image's JSON is never smaller than DynamoDB's count of its size, so only a record
        // over the item limit can carry an image DynamoDB could not have stored; the others are
        // not sized at all.
        if (payload.length > DynamoDbLimits.MAX_ITEM_BYTES) {
            checkItemSize("NewImage", newImage);
            checkItemSize("OldImage", oldImage);
        }
        String sequence = r.sequenceNumber;
        if (sequence == null) {
            sequence = sourceSequenceNumber;
        }
        boolean ttl =
                "Service".equals(r.identityType)
                        && "dynamodb.amazonaws.com".equals(r.identityPrincipal);
        return new ChangeEvent(
                table, type, keys, oldImage, newImage, micros, r.eventId, sequence, ttl, false);
    }

    private static void checkItemSize(String image, Map<String, DdbValue> item)
            throws DecodeException {
        long bytes = item == null ? 0 : DynamoDbLimits.itemBytes(item);
        if (bytes > DynamoDbLimits.MAX_ITEM_BYTES) {
            throw new DecodeException(
                    "dynamodb."
                            + image
                            + " of "
                            + bytes
                            + " bytes is over DynamoDB's 400 KB item limit");
        }
    }

    /**
     * The fields of a record, read in one pass over its JSON without building a tree (that tree
     * cost as much as the rest of decoding together); an image's fault is kept and reported where
     * the checks come to that image, so a record with several faults names the first of them in
     * {@link #decode}'s order, whatever the order of its fields.
     */
    private static final class Record {
        String tableName;
        String eventName;
        String eventId;
        String identityType;
        String identityPrincipal;
        boolean hasDynamodb;
        JsonNode changeTime;
        String precision;
        String sequenceNumber;
        Image keys = Image.ABSENT;
        Image newImage = Image.ABSENT;
        Image oldImage = Image.ABSENT;

        /** The record at the parser's start; null when it is no JSON object. */
        static Record read(JsonParser p) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Record r = new Record();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "tableName":
                        r.tableName = text(p);
                        break;
                    case "eventName":
                        r.eventName = text(p);
                        break;
                    case "eventID":
                        r.eventId = text(p);
                        break;
                    case "userIdentity":
                        r.readIdentity(p);
                        break;
                    case "dynamodb":
                        r.readDynamodb(p);
                        break;
                    default:
                        p.skipChildren();
                }
            }
            return r;
        }

        private void readIdentity(JsonParser p) throws IOException {
            identityType = null;
            identityPrincipal = null;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("type")) {
                    identityType = text(p);
                } else if (field.equals("principalId")) {
                    identityPrincipal = text(p);
                } else {
                    p.skipChildren();
                }
            }
        }

        private void readDynamodb(JsonParser p) throws IOException {
            hasDynamodb = p.currentToken() == JsonToken.START_OBJECT;
            if (!hasDynamodb) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "ApproximateCreationDateTime":
                        changeTime = p.readValueAsTree();
                        break;
                    case "ApproximateCreationDateTimePrecision":
                        precision = text(p);
                        break;
                    case "SequenceNumber":
                        sequenceNumber = text(p);
                        break;
                    case "Keys":
                        keys = Image.read(p, "dynamodb.Keys");
                        break;
                    case "NewImage":
                        newImage = Image.read(p, "dynamodb.NewImage");
                        break;
                    case "OldImage":
                        oldImage = Image.read(p, "dynamodb.OldImage");
                        break;
                    default:
                        p.skipChildren();
                }
            }
        }

        /** A field's text as Jackson's tree gives it: null for JSON null, "" for a container. */
        private static String text(JsonParser p) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t.isStructStart()) {
                p.skipChildren();
                return "";
            }
            return p.getText();
        }
    }

    /** An image as read: its attributes, or why they are unusable. */
    private static final class Image {
        static final Image ABSENT = new Image(null, null);

        private final Map<String, DdbValue> attributes;
        private final String fault;

        private Image(Map<String, DdbValue> attributes, String fault) {
            this.attributes = attributes;
            this.fault = fault;
        }

        static Image read(JsonParser p, String path) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return ABSENT;
            }
            try {
                return new Image(AttributeCodec.itemFromJson(p, path), null);
            } catch (InvalidAttributeException e) {
                return new Image(null, e.getMessage());
            }
        }

        /** The attributes; null when the record has none. */
        Map<String, DdbValue> get() throws DecodeException {
            if (fault != null) {
                throw new DecodeException(fault);
            }
            return attributes;
        }
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

    private static long changeTimeMicros(JsonNode node, String precision) throws DecodeException {
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
}
