package io.changeviews.job.materialize;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes view rows whose target key is usable and dead-letters the others: DynamoDB rejects a
 * null or empty key, and one rejected item would fail the whole sink.
 */
public final class KeyCheck extends ProcessFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final String view;
    private final RowItemConverter converter;
    private final OutputTag<DeadLetter> deadLetters;
    private transient Counter rejected;

    public KeyCheck(String view, RowItemConverter converter, OutputTag<DeadLetter> deadLetters) {
        this.view = view;
        this.converter = converter;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(Configuration parameters) {
        rejected = getRuntimeContext().getMetricGroup().counter("rowsWithoutKey");
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<Row> out) {
        if (converter.keyString(row) != null) {
            out.collect(row);
            return;
        }
        rejected.inc();
        ctx.output(deadLetters, new DeadLetter(
                "view:" + view,
                row.getKind().shortString() + "#" + System.nanoTime(),
                "key " + converter.keyColumns() + " is null or empty, DynamoDB cannot store the row",
                row.toString()));
    }
}
