package io.changeviews.job.normalize;

import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.SourceTableSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.DataType;
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

    public static TypeInformation<Row> typeInfo(DataType rowType) {
        return ExternalTypeInfo.of(rowType);
    }

    private static List<DataTypes.Field> columns(SourceTableSpec table) {
        List<DataTypes.Field> fields = new ArrayList<>();
        for (ColumnSpec c : table.columns()) {
            fields.add(DataTypes.FIELD(c.name(), TypeConversions.fromLogicalToDataType(c.type())));
        }
        return fields;
    }
}
