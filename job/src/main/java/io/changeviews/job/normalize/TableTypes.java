package io.changeviews.job.normalize;

import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.SourceTableSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.utils.TypeConversions;
import org.apache.flink.types.Row;

/**
 * The row types of a source table: its projected image, its current-state table and its changes
 * table.
 */
public final class TableTypes {
    private TableTypes() {}

    /** The declared columns only. */
    public static DataType image(SourceTableSpec table) {
        return DataTypes.ROW(columns(table).toArray(new DataTypes.Field[0]));
    }

    /** Declared columns, then {@code change_time}: the current-state changelog table. */
    public static DataType state(SourceTableSpec table) {
        List<DataTypes.Field> fields = columns(table);
        fields.add(DataTypes.FIELD(SourceTableSpec.CHANGE_TIME, DataTypes.TIMESTAMP_LTZ(3)));
        return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
    }

    /**
     * Declared columns, then {@code event_name} and {@code change_time}: the append-only changes
     * table.
     */
    public static DataType changes(SourceTableSpec table) {
        List<DataTypes.Field> fields = columns(table);
        fields.add(DataTypes.FIELD(SourceTableSpec.EVENT_NAME, DataTypes.STRING()));
        fields.add(DataTypes.FIELD(SourceTableSpec.CHANGE_TIME, DataTypes.TIMESTAMP_LTZ(3)));
        return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
    }

    /**
     * The changes table's schema: {@code change_time} is its event-time attribute with the stream's
     * watermarks.
     */
    public static Schema changesSchema(SourceTableSpec table) {
        return Schema.newBuilder()
                .fromRowDataType(changes(table))
                .watermark(SourceTableSpec.CHANGE_TIME, "SOURCE_WATERMARK()")
                .build();
    }

    /**
     * Flink's type of the rows of {@code rowType}, field by field with Flink's own serializers of
     * the columns' Java types (String, BigDecimal, Instant...): the same values as the table
     * planner's external type, but written and read without converting every row to a binary row
     * and back, on every network hop and every RocksDB state access.
     */
    public static TypeInformation<Row> typeInfo(DataType rowType) {
        TypeInformation<Row> type = fieldByFieldOrNull(rowType);
        if (type == null) {
            throw new IllegalArgumentException("no field-by-field row type for " + rowType);
        }
        return type;
    }

    /**
     * The rows of a view's SQL output: field by field as {@link #typeInfo}, or the planner's
     * external type for what has no Flink row field type (arrays, maps, nested rows).
     */
    public static TypeInformation<Row> viewRows(DataType rowType) {
        TypeInformation<Row> type = fieldByFieldOrNull(rowType);
        return type != null ? type : ExternalTypeInfo.of(rowType);
    }

    private static TypeInformation<Row> fieldByFieldOrNull(DataType rowType) {
        List<DataTypes.Field> fields = DataType.getFields(rowType);
        String[] names = new String[fields.size()];
        TypeInformation<?>[] types = new TypeInformation<?>[fields.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = fields.get(i).getName();
            types[i] = fieldType(fields.get(i).getDataType().getLogicalType());
            if (types[i] == null) {
                return null;
            }
        }
        return Types.ROW_NAMED(names, types);
    }

    private static TypeInformation<?> fieldType(LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return Types.STRING;
            case BOOLEAN:
                return Types.BOOLEAN;
            case INTEGER:
                return Types.INT;
            case BIGINT:
                return Types.LONG;
            case DOUBLE:
                return Types.DOUBLE;
            case DECIMAL:
                return Types.BIG_DEC;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return Types.INSTANT;
            case TINYINT:
                return Types.BYTE;
            case SMALLINT:
                return Types.SHORT;
            case FLOAT:
                return Types.FLOAT;
            case DATE:
                return Types.LOCAL_DATE;
            case TIME_WITHOUT_TIME_ZONE:
                return Types.LOCAL_TIME;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return Types.LOCAL_DATE_TIME;
            default:
                return null;
        }
    }

    private static List<DataTypes.Field> columns(SourceTableSpec table) {
        List<DataTypes.Field> fields = new ArrayList<>();
        for (ColumnSpec c : table.columns()) {
            fields.add(DataTypes.FIELD(c.name(), TypeConversions.fromLogicalToDataType(c.type())));
        }
        return fields;
    }
}
