package io.changeviews.job.materialize;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.common.JobMetricGroup;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keeps only the newest change of each target key and emits it once per flush interval, so DynamoDB
 * sees at most one write per changed key per interval, however many events changed it.
 *
 * <p>A −U is a pending delete of its key: usually the +U that follows replaces it within the
 * interval, but a view with a filter after its aggregate (HAVING, WHERE) retracts rows with no +U,
 * and those must disappear from the table. Rows DynamoDB could not store become dead letters. The
 * pending row is keyed state, so it survives a restore; at the end of a bounded input the final
 * watermark flushes what is pending.
 */
public final class WriteCoalescer extends KeyedProcessFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;

    private static final long DRAIN = Long.MAX_VALUE;

    private final String view;
    private final RowItemConverter converter;
    private final TypeInformation<Row> rowType;
    private final long flushIntervalMs;
    private final OutputTag<DeadLetter> deadLetters;

    private transient ValueState<Row> pending;
    private transient Counter writes;
    private transient Counter coalesced;
    private transient Counter unwritable;

    public WriteCoalescer(
            String view,
            RowItemConverter converter,
            TypeInformation<Row> rowType,
            Duration flushInterval,
            OutputTag<DeadLetter> deadLetters) {
        this.view = view;
        this.converter = converter;
        this.rowType = rowType;
        this.flushIntervalMs = flushInterval.toMillis();
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(Configuration parameters) {
        pending =
                getRuntimeContext().getState(new ValueStateDescriptor<>("pending-write", rowType));
        writes = JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("aggregateWrites");
        coalesced =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("coalescedChanges");
        unwritable =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("rowsWithoutKey");
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<Row> out) throws Exception {
        if (ctx.getCurrentKey().equals(ViewKeySelector.NO_KEY)) {
            unwritable.inc();
            ctx.output(deadLetters, ViewKeySelector.unwritable(view, converter, row));
            return;
        }
        if (pending.value() == null) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime() + flushIntervalMs);
            ctx.timerService().registerEventTimeTimer(DRAIN);
        } else {
            coalesced.inc();
        }
        pending.update(ViewKeySelector.asWrite(row));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        Row row = pending.value();
        if (row == null) {
            return;
        }
        out.collect(row);
        writes.inc();
        pending.clear();
        if (timestamp != DRAIN) {
            ctx.timerService().deleteEventTimeTimer(DRAIN);
        }
    }
}
