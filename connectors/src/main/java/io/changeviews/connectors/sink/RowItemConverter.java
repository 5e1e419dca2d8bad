package io.changeviews.connectors.sink;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                throw new IllegalArgumentException("key column " + keyColumns.get(i) + " is not a column of " + columns);
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
        StringBuilder sb = new StringBuilder();
        for (int pos : keyPositions) {
            Object v = row.getField(pos);
            if (v == null || (v instanceof String && ((String) v).isEmpty())) {
                return null;
            }
            if (sb.length() > 0) {
                sb.append('\u0001');
            }
            sb.append(v instanceof BigDecimal ? ((BigDecimal) v).stripTrailingZeros().toPlainString() : v.toString());
        }
        return sb.toString();
    }

    @Override
    public DynamoDbWriteRequest apply(Row row, SinkWriter.Context context) {
        boolean delete = row.getKind() == RowKind.DELETE || row.getKind() == RowKind.UPDATE_BEFORE;
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        if (delete) {
            for (int pos : keyPositions) {
                item.put(columns[pos], attribute(row.getField(pos)));
            }
        } else {
            for (int i = 0; i < columns.length; i++) {
                AttributeValue v = attribute(row.getField(i));
                if (v != null) {
                    item.put(columns[i], v);
                }
            }
        }
        return DynamoDbWriteRequest.builder()
                .setType(delete ? DynamoDbWriteRequestType.DELETE : DynamoDbWriteRequestType.PUT)
                .setItem(item)
                .build();
    }

    /** The DynamoDB form of a SQL value; null for SQL NULL and for non-finite doubles, which DynamoDB cannot store. */
    static AttributeValue attribute(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String) {
            return AttributeValue.fromS((String) v);
        }
        if (v instanceof BigDecimal) {
            return AttributeValue.fromN(((BigDecimal) v).stripTrailingZeros().toPlainString());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? AttributeValue.fromN(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()) : null;
        }
        if (v instanceof Number) {
            return AttributeValue.fromN(v.toString());
        }
        if (v instanceof Boolean) {
            return AttributeValue.fromBool((Boolean) v);
        }
        if (v instanceof byte[]) {
            return AttributeValue.fromB(SdkBytes.fromByteArray((byte[]) v));
        }
        return AttributeValue.fromS(v.toString());
    }
}
