package io.changeviews.connectors.archive;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.LocalTimeTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;

/**
 * Derives a dataset's Avro schema (and so its Parquet schema) from a Flink row type. Every field is
 * nullable; strings, booleans, integers, floats, DECIMAL(p, s) (Parquet DECIMAL), DATE and
 * timestamps (Parquet TIMESTAMP, UTC-adjusted: millis up to precision 3, else micros) are
 * supported.
 */
public final class AvroRowSchema {
    /**
     * DECIMAL for a legacy {@code BigDecimal} field, which carries no precision or scale of its
     * own.
     */
    static final DecimalType LEGACY_DECIMAL = new DecimalType(38, 18);

    private AvroRowSchema() {}

    /** The record schema named {@code name} with one nullable field per row field, in order. */
    public static Schema of(String name, RowType rowType) {
        SchemaBuilder.FieldAssembler<Schema> fields =
                SchemaBuilder.record(avroName(name, "dataset"))
                        .namespace("io.changeviews.archive")
                        .fields();
        for (RowType.RowField f : rowType.getFields()) {
            Schema type = fieldType(f.getName(), f.getType());
            fields =
                    fields.name(avroName(f.getName(), "field"))
                            .type(Schema.createUnion(Schema.create(Schema.Type.NULL), type))
                            .withDefault(null);
        }
        return fields.endRecord();
    }

    /**
     * The row type of a stream of rows: SQL's {@link ExternalTypeInfo} or a {@link RowTypeInfo} of
     * basic Java types.
     */
    public static RowType rowType(TypeInformation<Row> info) {
        if (info instanceof ExternalTypeInfo) {
            LogicalType type = ((ExternalTypeInfo<Row>) info).getDataType().getLogicalType();
            if (type instanceof RowType) {
                return (RowType) type;
            }
        }
        if (info instanceof RowTypeInfo) {
            RowTypeInfo rows = (RowTypeInfo) info;
            List<RowType.RowField> fields = new ArrayList<>();
            for (int i = 0; i < rows.getArity(); i++) {
                fields.add(
                        new RowType.RowField(
                                rows.getFieldNames()[i],
                                legacyType(rows.getFieldNames()[i], rows.getTypeAt(i))));
            }
            return new RowType(fields);
        }
        throw new IllegalArgumentException(
                "expected rows with named fields (RowTypeInfo or a SQL row type), got " + info);
    }

    private static LogicalType legacyType(String field, TypeInformation<?> t) {
        if (t.equals(BasicTypeInfo.STRING_TYPE_INFO)) {
            return VarCharType.STRING_TYPE;
        } else if (t.equals(BasicTypeInfo.BOOLEAN_TYPE_INFO)) {
            return new BooleanType();
        } else if (t.equals(BasicTypeInfo.BYTE_TYPE_INFO)) {
            return new TinyIntType();
        } else if (t.equals(BasicTypeInfo.SHORT_TYPE_INFO)) {
            return new SmallIntType();
        } else if (t.equals(BasicTypeInfo.INT_TYPE_INFO)) {
            return new IntType();
        } else if (t.equals(BasicTypeInfo.LONG_TYPE_INFO)) {
            return new BigIntType();
        } else if (t.equals(BasicTypeInfo.FLOAT_TYPE_INFO)) {
            return new FloatType();
        } else if (t.equals(BasicTypeInfo.DOUBLE_TYPE_INFO)) {
            return new DoubleType();
        } else if (t.equals(BasicTypeInfo.BIG_DEC_TYPE_INFO)) {
            return LEGACY_DECIMAL;
        } else if (t.equals(BasicTypeInfo.INSTANT_TYPE_INFO)) {
            return new LocalZonedTimestampType(3);
        } else if (t.equals(LocalTimeTypeInfo.LOCAL_DATE_TIME)) {
            return new TimestampType(3);
        } else if (t.equals(LocalTimeTypeInfo.LOCAL_DATE)) {
            return new DateType();
        }
        throw new IllegalArgumentException(
                "field " + field + ": type " + t + " cannot be archived");
    }

    private static Schema fieldType(String field, LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return Schema.create(Schema.Type.STRING);
            case BOOLEAN:
                return Schema.create(Schema.Type.BOOLEAN);
            case TINYINT:
            case SMALLINT:
            case INTEGER:
                return Schema.create(Schema.Type.INT);
            case BIGINT:
                return Schema.create(Schema.Type.LONG);
            case FLOAT:
                return Schema.create(Schema.Type.FLOAT);
            case DOUBLE:
                return Schema.create(Schema.Type.DOUBLE);
            case DECIMAL:
                DecimalType decimal = (DecimalType) type;
                return LogicalTypes.decimal(decimal.getPrecision(), decimal.getScale())
                        .addToSchema(Schema.create(Schema.Type.BYTES));
            case DATE:
                return LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return (timestampPrecision(type) <= 3
                                ? LogicalTypes.timestampMillis()
                                : LogicalTypes.timestampMicros())
                        .addToSchema(Schema.create(Schema.Type.LONG));
            default:
                throw new IllegalArgumentException(
                        "field " + field + ": type " + type + " cannot be archived");
        }
    }

    private static int timestampPrecision(LogicalType type) {
        return type instanceof TimestampType
                ? ((TimestampType) type).getPrecision()
                : ((LocalZonedTimestampType) type).getPrecision();
    }

    /** The non-null branch of a nullable field. */
    static Schema nonNull(Schema fieldSchema) {
        if (fieldSchema.getType() != Schema.Type.UNION) {
            return fieldSchema;
        }
        for (Schema s : fieldSchema.getTypes()) {
            if (s.getType() != Schema.Type.NULL) {
                return s;
            }
        }
        throw new IllegalArgumentException("no non-null type in " + fieldSchema);
    }

    private static String avroName(String name, String what) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(
                    what
                            + " name '"
                            + name
                            + "' must be letters, digits and underscores (alias it in SQL)");
        }
        return name;
    }
}
