package io.changeviews.connectors.archive;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * Converts rows of a row type into Avro records of {@link AvroRowSchema#of}'s schema, field by
 * field in order; rows built by name ({@code Row.withNames}) are read by name. Timestamps without a
 * time zone are taken as UTC.
 */
public final class RowToAvro implements Serializable {
    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private final String schemaJson;
    private transient Schema schema;
    private transient boolean[] micros;

    public RowToAvro(RowType rowType, Schema schema) {
        this.rowType = rowType;
        this.schemaJson = schema.toString();
    }

    public Schema schema() {
        if (schema == null) {
            schema = new Schema.Parser().parse(schemaJson);
            List<Schema.Field> fields = schema.getFields();
            micros = new boolean[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                micros[i] =
                        AvroRowSchema.nonNull(fields.get(i).schema()).getLogicalType()
                                instanceof LogicalTypes.TimestampMicros;
            }
        }
        return schema;
    }

    public RowType rowType() {
        return rowType;
    }

    public GenericRecord convert(Row row) {
        GenericData.Record record = new GenericData.Record(schema());
        List<RowType.RowField> fields = rowType.getFields();
        Set<String> names = row.getFieldNames(false);
        for (int i = 0; i < fields.size(); i++) {
            RowType.RowField f = fields.get(i);
            Object value = names == null ? row.getField(i) : row.getField(f.getName());
            try {
                record.put(i, value == null ? null : avroValue(value, f.getType(), micros[i]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "field "
                                + f.getName()
                                + " ("
                                + f.getType()
                                + "): cannot archive "
                                + value
                                + ": "
                                + e.getMessage(),
                        e);
            }
        }
        return record;
    }

    private static Object avroValue(Object value, LogicalType type, boolean micros) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return value.toString();
            case TINYINT:
            case SMALLINT:
            case INTEGER:
                return ((Number) value).intValue();
            case DECIMAL:
                DecimalType decimal = (DecimalType) type;
                BigDecimal scaled =
                        ((BigDecimal) value).setScale(decimal.getScale(), RoundingMode.HALF_UP);
                if (scaled.precision() > decimal.getPrecision()) {
                    throw new IllegalArgumentException("does not fit " + decimal);
                }
                return ByteBuffer.wrap(scaled.unscaledValue().toByteArray());
            case DATE:
                return value instanceof LocalDate
                        ? (int) ((LocalDate) value).toEpochDay()
                        : ((Number) value).intValue();
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                Instant t = instant(value);
                return micros
                        ? Math.addExact(
                                Math.multiplyExact(t.getEpochSecond(), 1_000_000L),
                                t.getNano() / 1_000)
                        : t.toEpochMilli();
            default:
                return value;
        }
    }

    /**
     * A timestamp field's value as an instant: Instant, LocalDateTime (UTC), java.sql.Timestamp or
     * epoch millis.
     */
    public static Instant instant(Object value) {
        if (value instanceof Instant) {
            return (Instant) value;
        } else if (value instanceof LocalDateTime) {
            return ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
        } else if (value instanceof Timestamp) {
            return ((Timestamp) value).toInstant();
        } else if (value instanceof Long) {
            return Instant.ofEpochMilli((Long) value);
        }
        throw new IllegalArgumentException("not a timestamp: " + value.getClass().getName());
    }
}
