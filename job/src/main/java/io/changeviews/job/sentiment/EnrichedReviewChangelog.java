package io.changeviews.job.sentiment;

import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins each review's current row with its sentiment into the enriched changelog (+I, −U/+U, −D
 * retracting exactly the row emitted before), and emits every enriched change to a side output as
 * an append-only row with its event name and change time. A REUSE takes the sentiment of the
 * review's last enriched row: ordered async I/O delivers the SCORE that set it first.
 */
public final class EnrichedReviewChangelog extends KeyedProcessFunction<String, ReviewChange, Row> {
    private static final long serialVersionUID = 1L;

    private final TypeInformation<Row> enrichedType;
    private final OutputTag<Row> changes;

    private transient ValueState<Row> last;

    public EnrichedReviewChangelog(TypeInformation<Row> enrichedType, OutputTag<Row> changes) {
        this.enrichedType = enrichedType;
        this.changes = changes;
    }

    @Override
    public void open(OpenContext openContext) {
        last =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("last-enriched-review", enrichedType));
    }

    @Override
    public void processElement(ReviewChange c, Context ctx, Collector<Row> out) throws Exception {
        Row previous = last.value();
        // The record's timestamp is the change's own time (for a delete too, unlike the row's
        // change_time).
        Instant changeTime =
                ctx.timestamp() != null
                        ? Instant.ofEpochMilli(ctx.timestamp())
                        : (Instant) c.review.getField(c.review.getArity() - 1);
        if (c.action == ReviewChange.Action.DELETE) {
            if (previous != null) {
                last.clear();
                out.collect(withKind(previous, RowKind.DELETE));
                ctx.output(changes, EnrichedReviewTypes.changeRow(previous, "REMOVE", changeTime));
            }
            return;
        }
        Row enriched =
                c.action == ReviewChange.Action.SCORE || previous == null
                        ? EnrichedReviewTypes.enrichedRow(
                                c.review,
                                c.sentiment,
                                c.positive,
                                c.negative,
                                c.neutral,
                                c.mixed,
                                c.engine)
                        : EnrichedReviewTypes.enrichedRow(c.review, previous);
        last.update(enriched);
        if (previous == null) {
            out.collect(withKind(enriched, RowKind.INSERT));
        } else {
            out.collect(withKind(previous, RowKind.UPDATE_BEFORE));
            out.collect(withKind(enriched, RowKind.UPDATE_AFTER));
        }
        ctx.output(
                changes,
                EnrichedReviewTypes.changeRow(
                        enriched, previous == null ? "INSERT" : "MODIFY", changeTime));
    }

    private static Row withKind(Row row, RowKind kind) {
        Row r = Row.copy(row);
        r.setKind(kind);
        return r;
    }
}
