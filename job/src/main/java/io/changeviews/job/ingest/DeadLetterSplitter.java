package io.changeviews.job.ingest;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.job.common.JobMetricGroup;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Separates decoded changes from dead letters. Changes of tables the configuration does not follow
 * are counted and skipped: one Kinesis stream may carry many tables.
 */
public final class DeadLetterSplitter extends ProcessFunction<DecodeResult, ChangeEvent> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;
    private final Set<String> followedTables;
    private transient Counter decoded;
    private transient Counter deadLettered;
    private transient Counter otherTables;

    public DeadLetterSplitter(OutputTag<DeadLetter> deadLetters, Set<String> followedTables) {
        this.deadLetters = deadLetters;
        this.followedTables = followedTables;
    }

    @Override
    public void open(Configuration parameters) {
        decoded = JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("changesDecoded");
        deadLettered =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup())
                        .counter("recordsDeadLettered");
        otherTables =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup())
                        .counter("changesOfOtherTables");
    }

    @Override
    public void processElement(DecodeResult result, Context ctx, Collector<ChangeEvent> out) {
        if (result.isDeadLetter()) {
            deadLettered.inc();
            ctx.output(deadLetters, result.deadLetter());
        } else if (followedTables.contains(result.event().tableName())) {
            decoded.inc();
            out.collect(result.event());
        } else {
            otherTables.inc();
        }
    }
}
