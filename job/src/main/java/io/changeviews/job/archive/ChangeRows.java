package io.changeviews.job.archive;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Flattens change events into rows of the {@code changes} dataset: the change's metadata, its key,
 * one typed column per attribute declared for any followed table (read from the new image, or the
 * old one for a REMOVE), and both images as DynamoDB JSON so undeclared attributes are kept too.
 * Dead letters and changes of tables the job does not follow are not archived.
 */
final class ChangeRows implements SerializableFunction<DecodeResult, Row> {
    private static final long serialVersionUID = 1L;

    static final String TABLE_NAME = "table_name";
    static final String EVENT_ID = "event_id";
    static final String SEQUENCE_NUMBER = "sequence_number";
    static final String TTL_DELETE = "ttl_delete";
    static final String KEYS = "keys";
    static final String OLD_IMAGE = "old_image";
    static final String NEW_IMAGE = "new_image";
    private static final int LEADING_COLUMNS = 7;

    private final RowType rowType;

    /** Per DynamoDB table: the position of each of its declared columns in the row. */
    private final Map<String, Map<Integer, ColumnSpec>> columnsByTable;

    ChangeRows(List<SourceTableSpec> tables) {
        Map<String, ColumnSpec> union = new LinkedHashMap<>();
        Map<String, String> declaredBy = new HashMap<>();
        Set<String> reserved =
                Set.of(
                        TABLE_NAME,
                        SourceTableSpec.EVENT_NAME,
                        EVENT_ID,
                        SEQUENCE_NUMBER,
                        SourceTableSpec.CHANGE_TIME,
                        TTL_DELETE,
                        KEYS,
                        OLD_IMAGE,
                        NEW_IMAGE,
                        "table",
                        "dt",
                        "hr");
        for (SourceTableSpec t : tables) {
            for (ColumnSpec c : t.columns()) {
                String id = c.name().toLowerCase(Locale.ROOT);
                String group = JobConfig.TABLE_PREFIX + t.sqlName();
                if (reserved.contains(id)) {
                    throw new ConfigException(
                            group,
                            JobConfig.COLUMN_PREFIX + c.name(),
                            "the changes archive has a column "
                                    + id
                                    + " of its own; rename the column");
                }
                ColumnSpec before = union.putIfAbsent(id, c);
                // Athena and DuckDB match column names without case: one name, one type across
                // tables.
                if (before != null && !before.type().equals(c.type())) {
                    throw new ConfigException(
                            group,
                            JobConfig.COLUMN_PREFIX + c.name(),
                            "is "
                                    + c.type()
                                    + " here but "
                                    + before.type()
                                    + " in "
                                    + declaredBy.get(id)
                                    + "; the changes archive needs one type per column name");
                }
                declaredBy.putIfAbsent(id, group);
            }
        }
        List<RowType.RowField> fields = new ArrayList<>();
        fields.add(new RowType.RowField(TABLE_NAME, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(SourceTableSpec.EVENT_NAME, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(EVENT_ID, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(SEQUENCE_NUMBER, VarCharType.STRING_TYPE));
        fields.add(
                new RowType.RowField(SourceTableSpec.CHANGE_TIME, new LocalZonedTimestampType(3)));
        fields.add(new RowType.RowField(TTL_DELETE, new BooleanType()));
        fields.add(new RowType.RowField(KEYS, VarCharType.STRING_TYPE));
        List<String> ids = new ArrayList<>(union.keySet());
        for (ColumnSpec c : union.values()) {
            fields.add(new RowType.RowField(c.name(), c.type()));
        }
        fields.add(new RowType.RowField(OLD_IMAGE, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(NEW_IMAGE, VarCharType.STRING_TYPE));
        this.rowType = new RowType(fields);
        this.columnsByTable = new HashMap<>();
        for (SourceTableSpec t : tables) {
            Map<Integer, ColumnSpec> positions = new LinkedHashMap<>();
            for (ColumnSpec c : t.columns()) {
                positions.put(LEADING_COLUMNS + ids.indexOf(c.name().toLowerCase(Locale.ROOT)), c);
            }
            columnsByTable.put(t.dynamoDbTable(), positions);
        }
    }

    RowType rowType() {
        return rowType;
    }

    /** The change's row; null for a dead letter or a table that is not followed. */
    @Override
    public Row apply(DecodeResult result) {
        if (result.isDeadLetter()) {
            return null;
        }
        ChangeEvent e = result.event();
        Map<Integer, ColumnSpec> columns = columnsByTable.get(e.tableName());
        if (columns == null) {
            return null;
        }
        Row row = new Row(rowType.getFieldCount());
        row.setField(0, e.tableName());
        row.setField(1, e.type().name());
        row.setField(2, e.eventId());
        row.setField(3, e.sequenceNumber());
        row.setField(4, Instant.EPOCH.plus(e.changeTimeMicros(), ChronoUnit.MICROS));
        row.setField(5, e.ttlDelete());
        row.setField(6, AttributeCodec.toJsonText(e.keys()));
        Map<String, DdbValue> image = e.newImage() != null ? e.newImage() : e.oldImage();
        if (image != null) {
            columns.forEach((pos, column) -> row.setField(pos, typed(image, column)));
        }
        row.setField(rowType.getFieldCount() - 2, AttributeCodec.toJsonText(e.oldImage()));
        row.setField(rowType.getFieldCount() - 1, AttributeCodec.toJsonText(e.newImage()));
        return row;
    }

    /**
     * The attribute as its declared type; NULL when it does not fit (the normalizer dead-letters
     * that case, the JSON image keeps the value).
     */
    private static Object typed(Map<String, DdbValue> image, ColumnSpec column) {
        try {
            return column.valueIn(image);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
