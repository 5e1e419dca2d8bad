package io.changeviews.job.archive;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.job.config.SourceTableSpec;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;

/**
 * Flattens snapshot items into rows of the {@code snapshots} dataset: the table, the start of the
 * snapshot that read the item, the item's snapshot time (the change time it was stamped with), its
 * key, and its image in the shape of the {@code changes} dataset's (the same typed columns, then
 * the whole item as DynamoDB JSON).
 */
final class SnapshotRows implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String SNAPSHOT_START = "snapshot_start";
    static final String SNAPSHOT_TIME = "snapshot_time";
    static final String IMAGE = "image";
    private static final int LEADING_COLUMNS = 4;

    private final RowType rowType;
    private final DeclaredColumns declared;

    SnapshotRows(List<SourceTableSpec> tables) {
        this.declared = new DeclaredColumns(tables);
        List<RowType.RowField> fields = new ArrayList<>();
        fields.add(new RowType.RowField(ChangeRows.TABLE_NAME, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(SNAPSHOT_START, new LocalZonedTimestampType(3)));
        fields.add(new RowType.RowField(SNAPSHOT_TIME, new LocalZonedTimestampType(3)));
        fields.add(new RowType.RowField(ChangeRows.KEYS, VarCharType.STRING_TYPE));
        fields.addAll(declared.fields());
        fields.add(new RowType.RowField(IMAGE, VarCharType.STRING_TYPE));
        this.rowType = new RowType(fields);
    }

    RowType rowType() {
        return rowType;
    }

    /** The row of an item that the snapshot begun at {@code snapshotStart} read. */
    Row toRow(ChangeEvent item, Instant snapshotStart) {
        Row row = new Row(rowType.getFieldCount());
        row.setField(0, item.tableName());
        row.setField(1, snapshotStart);
        row.setField(2, Instant.EPOCH.plus(item.changeTimeMicros(), ChronoUnit.MICROS));
        row.setField(3, ChangeRows.keysJson(item));
        declared.fill(row, LEADING_COLUMNS, item.tableName(), item.newImage());
        row.setField(rowType.getFieldCount() - 1, AttributeCodec.toJsonText(item.newImage()));
        return row;
    }
}
