package io.changeviews.connectors.sink;

import io.changeviews.connectors.change.CompositeKey;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.connectors.ddb.DynamoDbLimits;
import io.changeviews.connectors.ddb.Utf8;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns a view's changelog row into a DynamoDB write of the absolute row: a put for +I/+U, a delete
 * of the key for −D. Column names become attribute names; null columns are left out of the item.
 */
public final class RowItemConverter implements ElementConverter<Row, DynamoDbWriteRequest> {
    private static final long serialVersionUID = 1L;

    private final String[] columns;
    private final int[] keyPositions;
    private final List<String> keyColumns;

    /**
     * @param columns the view's column names, in row order
     * @param keyColumns the target table's key attributes (partition key, then sort key if any);
     *     each must be one of {@code columns}
     */
    public RowItemConverter(List<String> columns, List<String> keyColumns) {
        this.columns = columns.toArray(new String[0]);
        this.keyColumns = new ArrayList<>(keyColumns);
        this.keyPositions = new int[keyColumns.size()];
        for (int i = 0; i < keyColumns.size(); i++) {
            int pos = columns.indexOf(keyColumns.get(i));
            if (pos < 0) {
                throw new IllegalArgumentException(
                        "key column " + keyColumns.get(i) + " is not a column of " + columns);
            }
            keyPositions[i] = pos;
        }
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    /**
     * The row's target key as one string, or null when a key column is null or an empty string,
     * which DynamoDB would reject (and a rejected batch would fail the sink).
     */
    public String keyString(Row row) {
        List<String> parts = new ArrayList<>();
        for (int pos : keyPositions) {
            Object v = row.getField(pos);
            if (v == null || (v instanceof String && ((String) v).isEmpty())) {
                return null;
            }
            parts.add(v instanceof BigDecimal ? DdbValue.numberText((BigDecimal) v) : v.toString());
        }
        return CompositeKey.of(parts);
    }

    /**
     * Why DynamoDB would reject this row's write, or null when it can be stored: a NULL or empty
     * key, a key over DynamoDB's length limits, a number outside DynamoDB's range, or a put of an
     * item over 400 KB. A rejected write is fatal to the sink, so such rows must not reach it.
     */
    public String problem(Row row) {
        if (keyString(row) == null) {
            return "key " + keyColumns + " is null or empty";
        }
        return problemBesideTheKey(row);
    }

    /**
     * The row's target key as one string when DynamoDB can store the row ({@link #problem} is
     * null), else null: the key and the check in one pass, for keying every view row.
     */
    public String writableKey(Row row) {
        String key = keyString(row);
        return key != null && problemBesideTheKey(row) == null ? key : null;
    }

    private String problemBesideTheKey(Row row) {
        for (int i = 0; i < keyPositions.length; i++) {
            Object v = row.getField(keyPositions[i]);
            int limit =
                    i == 0
                            ? DynamoDbLimits.MAX_PARTITION_KEY_BYTES
                            : DynamoDbLimits.MAX_SORT_KEY_BYTES;
            if (v instanceof String && Utf8.length((String) v) > limit) {
                return "key " + columns[keyPositions[i]] + " is longer than " + limit + " bytes";
            }
        }
        boolean delete = row.getKind() == RowKind.DELETE || row.getKind() == RowKind.UPDATE_BEFORE;
        long size = 0;
        for (int i = 0; i < columns.length; i++) {
            Object field = row.getField(i);
            if (field == null || (delete && !keyColumns.contains(columns[i]))) {
                continue;
            }
            // Strings and decimals, most of any view, are sized without an attribute value.
            if (field instanceof String) {
                size += Utf8.length(columns[i]) + Utf8.length((String) field);
                continue;
            }
            DdbValue v = attribute(field);
            if (v == null) {
                continue;
            }
            if (v.type() == DdbValue.Type.N && !DynamoDbLimits.fitsNumber(v.asNumber())) {
                return "number "
                        + columns[i]
                        + "="
                        + v.toKeyString()
                        + " is outside DynamoDB's range";
            }
            size +=
                    Utf8.length(columns[i])
                            + (v.type() == DdbValue.Type.S
                                    ? Utf8.length(v.asString())
                                    : v.type() == DdbValue.Type.N
                                            ? plainLength(v.asNumber())
                                            : v.type() == DdbValue.Type.B ? v.asBytes().length : 1);
        }
        return size > DynamoDbLimits.MAX_ITEM_BYTES
                ? "item of about " + size + " bytes is over DynamoDB's 400 KB limit"
                : null;
    }

    /** The length of the number in plain notation, from its digits and scale. */
    private static int plainLength(BigDecimal n) {
        int digits = n.precision();
        int scale = n.scale();
        int integerDigits = Math.max(1, digits - scale);
        return (n.signum() < 0 ? 1 : 0) + integerDigits + (scale > 0 ? 1 + scale : 0);
    }

    @Override
    public DynamoDbWriteRequest apply(Row row, SinkWriter.Context context) {
        boolean delete = row.getKind() == RowKind.DELETE || row.getKind() == RowKind.UPDATE_BEFORE;
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        if (delete) {
            for (int pos : keyPositions) {
                item.put(columns[pos], AttributeCodec.toSdk(attribute(row.getField(pos))));
            }
        } else {
            for (int i = 0; i < columns.length; i++) {
                DdbValue v = attribute(row.getField(i));
                if (v != null) {
                    item.put(columns[i], AttributeCodec.toSdk(v));
                }
            }
        }
        return DynamoDbWriteRequest.builder()
                .setType(delete ? DynamoDbWriteRequestType.DELETE : DynamoDbWriteRequestType.PUT)
                .setItem(item)
                .build();
    }

    /**
     * The DynamoDB form of a SQL value; null for SQL NULL and for non-finite doubles, which
     * DynamoDB cannot store.
     */
    static DdbValue attribute(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String) {
            return DdbValue.s((String) v);
        }
        if (v instanceof BigDecimal) {
            return DdbValue.n((BigDecimal) v);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? DdbValue.n(BigDecimal.valueOf(d)) : null;
        }
        if (v instanceof Number) {
            return DdbValue.n(new BigDecimal(v.toString()));
        }
        if (v instanceof Boolean) {
            return DdbValue.bool((Boolean) v);
        }
        if (v instanceof byte[]) {
            return DdbValue.b((byte[]) v);
        }
        return DdbValue.s(v.toString());
    }
}
