package io.changeviews.job.archive;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Flattens change events into rows of the {@code changes} dataset: the change's metadata, its key,
 * one typed column per attribute declared for any followed table (read from the new image, or the
 * old one for a REMOVE; the same columns as the {@code snapshots} dataset's), and both images as
 * DynamoDB JSON so undeclared attributes are kept too. Dead letters and changes of tables the job
 * does not follow are not archived.
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
    private final DeclaredColumns declared;

    ChangeRows(List<SourceTableSpec> tables) {
        this.declared = new DeclaredColumns(tables);
        List<RowType.RowField> fields = new ArrayList<>();
        fields.add(new RowType.RowField(TABLE_NAME, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(SourceTableSpec.EVENT_NAME, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(EVENT_ID, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(SEQUENCE_NUMBER, VarCharType.STRING_TYPE));
        fields.add(
                new RowType.RowField(SourceTableSpec.CHANGE_TIME, new LocalZonedTimestampType(3)));
        fields.add(new RowType.RowField(TTL_DELETE, new BooleanType()));
        fields.add(new RowType.RowField(KEYS, VarCharType.STRING_TYPE));
        fields.addAll(declared.fields());
        fields.add(new RowType.RowField(OLD_IMAGE, VarCharType.STRING_TYPE));
        fields.add(new RowType.RowField(NEW_IMAGE, VarCharType.STRING_TYPE));
        this.rowType = new RowType(fields);
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
        if (!declared.declares(e.tableName())) {
            return null;
        }
        Row row = new Row(rowType.getFieldCount());
        row.setField(0, e.tableName());
        row.setField(1, e.type().name());
        row.setField(2, e.eventId());
        row.setField(3, e.sequenceNumber());
        row.setField(4, Instant.EPOCH.plus(e.changeTimeMicros(), ChronoUnit.MICROS));
        row.setField(5, e.ttlDelete());
        row.setField(6, keysJson(e));
        Map<String, DdbValue> image = e.newImage() != null ? e.newImage() : e.oldImage();
        if (image != null) {
            declared.fill(row, LEADING_COLUMNS, e.tableName(), image);
        }
        row.setField(rowType.getFieldCount() - 2, AttributeCodec.toJsonText(e.oldImage()));
        row.setField(rowType.getFieldCount() - 1, AttributeCodec.toJsonText(e.newImage()));
        return row;
    }

    /**
     * The item's key as DynamoDB JSON with its attributes sorted by name, so that an item's key has
     * one text in every dataset, whichever order its source listed the attributes in.
     */
    static String keysJson(ChangeEvent e) {
        return AttributeCodec.toJsonText(new TreeMap<>(e.keys()));
    }
}
