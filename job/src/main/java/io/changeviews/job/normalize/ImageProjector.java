package io.changeviews.job.normalize;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.common.JobMetricGroup;
import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.SourceTableSpec;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Projects a change's images onto the table's declared columns. An attribute whose type does not
 * fit its column becomes NULL in SQL and a dead letter naming the attribute, so the change itself
 * still applies and nothing is silently dropped; undeclared attributes are ignored. The old image
 * is projected only when a view reads the table's changes ({@code changesRead}): the current state
 * takes a change's before-row from the normalizer's state, so only a REMOVE's row in the changes
 * table needs it.
 */
public final class ImageProjector extends ProcessFunction<ChangeEvent, ItemChange> {
    private static final long serialVersionUID = 1L;

    private final SourceTableSpec table;
    private final OutputTag<DeadLetter> deadLetters;
    private final boolean changesRead;
    private transient Counter conversionErrors;

    public ImageProjector(
            SourceTableSpec table, OutputTag<DeadLetter> deadLetters, boolean changesRead) {
        this.table = table;
        this.deadLetters = deadLetters;
        this.changesRead = changesRead;
    }

    @Override
    public void open(Configuration parameters) {
        conversionErrors =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup())
                        .counter("attributeConversionErrors");
    }

    @Override
    public void processElement(ChangeEvent event, Context ctx, Collector<ItemChange> out) {
        ItemChange change = new ItemChange();
        change.itemKey = event.itemKey();
        change.type = event.type();
        change.changeTimeMicros = event.changeTimeMicros();
        change.sequenceNumber = event.sequenceNumber();
        change.eventId = event.eventId();
        change.ttlDelete = event.ttlDelete();
        change.snapshot = event.snapshot();
        change.oldRow = changesRead ? project(event, "old", event.oldImage(), ctx) : null;
        change.newRow = project(event, "new", event.newImage(), ctx);
        out.collect(change);
    }

    private Row project(ChangeEvent event, String which, Map<String, DdbValue> image, Context ctx) {
        if (image == null) {
            return null;
        }
        List<ColumnSpec> columns = table.columns();
        Row row = new Row(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            try {
                row.setField(i, column.valueIn(image));
            } catch (IllegalArgumentException e) {
                conversionErrors.inc();
                ctx.output(
                        deadLetters,
                        new DeadLetter(
                                "table:" + table.dynamoDbTable(),
                                position(event) + "#" + which + "#" + column.name(),
                                "attribute "
                                        + String.join(".", column.path())
                                        + " set to NULL: "
                                        + e.getMessage(),
                                event.toString()));
            }
        }
        return row;
    }

    /**
     * Where the change came from, unique per change: its stream position, or for a snapshot item
     * (which has no event id and the snapshot's one sequence number) the item's key.
     */
    private static String position(ChangeEvent event) {
        return event.snapshot()
                ? "snapshot#" + event.itemKey()
                : event.sequenceNumber() + "#" + event.eventId();
    }
}
