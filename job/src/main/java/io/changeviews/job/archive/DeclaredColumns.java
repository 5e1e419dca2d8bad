package io.changeviews.job.archive;

import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * The typed columns that the archive's change and snapshot rows share: one per attribute declared
 * in any {@code table.<Name>} group, so that both datasets have the same columns of the same types
 * and a snapshot's rows line up with the changes that follow it.
 */
final class DeclaredColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The archive's own columns and partition columns, of every dataset with declared columns. */
    private static final Set<String> RESERVED =
            Set.of(
                    ChangeRows.TABLE_NAME,
                    SourceTableSpec.EVENT_NAME,
                    ChangeRows.EVENT_ID,
                    ChangeRows.SEQUENCE_NUMBER,
                    SourceTableSpec.CHANGE_TIME,
                    ChangeRows.TTL_DELETE,
                    ChangeRows.KEYS,
                    ChangeRows.OLD_IMAGE,
                    ChangeRows.NEW_IMAGE,
                    SnapshotRows.SNAPSHOT_START,
                    SnapshotRows.SNAPSHOT_TIME,
                    SnapshotRows.IMAGE,
                    "table",
                    "dt",
                    "hr",
                    "snapshot");

    private final List<RowType.RowField> fields;

    /** Per DynamoDB table: the position of each of its declared columns among {@link #fields}. */
    private final Map<String, Map<Integer, ColumnSpec>> columnsByTable;

    DeclaredColumns(List<SourceTableSpec> tables) {
        Map<String, ColumnSpec> union = new LinkedHashMap<>();
        Map<String, String> declaredBy = new HashMap<>();
        for (SourceTableSpec t : tables) {
            for (ColumnSpec c : t.columns()) {
                String id = c.name().toLowerCase(Locale.ROOT);
                String group = JobConfig.TABLE_PREFIX + t.sqlName();
                if (RESERVED.contains(id)) {
                    throw new ConfigException(
                            group,
                            JobConfig.COLUMN_PREFIX + c.name(),
                            "the archive has a column " + id + " of its own; rename the column");
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
                                    + "; the archive needs one type per column name");
                }
                declaredBy.putIfAbsent(id, group);
            }
        }
        List<String> ids = new ArrayList<>(union.keySet());
        this.fields = new ArrayList<>();
        for (ColumnSpec c : union.values()) {
            fields.add(new RowType.RowField(c.name(), c.type()));
        }
        this.columnsByTable = new HashMap<>();
        for (SourceTableSpec t : tables) {
            Map<Integer, ColumnSpec> positions = new LinkedHashMap<>();
            for (ColumnSpec c : t.columns()) {
                positions.put(ids.indexOf(c.name().toLowerCase(Locale.ROOT)), c);
            }
            columnsByTable.put(t.dynamoDbTable(), positions);
        }
    }

    /** The columns, in row order. */
    List<RowType.RowField> fields() {
        return fields;
    }

    /** True if the DynamoDB table is one the job follows. */
    boolean declares(String table) {
        return columnsByTable.containsKey(table);
    }

    /**
     * Sets the table's declared columns from {@code image} into {@code row}, the first at {@code
     * offset}; the other tables' columns stay NULL.
     */
    void fill(Row row, int offset, String table, Map<String, DdbValue> image) {
        columnsByTable
                .getOrDefault(table, Map.of())
                .forEach((pos, column) -> row.setField(offset + pos, typed(image, column)));
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
