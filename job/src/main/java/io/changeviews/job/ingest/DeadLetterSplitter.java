package io.changeviews.job.ingest;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.job.common.JobMetricGroup;
import io.changeviews.job.config.JobConfig;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Separates decoded changes from dead letters; a change of a table the configuration does not
 * declare is a dead letter too, or only counted where the stream carries more tables ({@link
 * JobConfig#OTHER_TABLES}).
 */
public final class DeadLetterSplitter extends ProcessFunction<DecodeResult, ChangeEvent> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;
    private final Set<String> followedTables;
    private final boolean skipOtherTables;
    private transient Counter decoded;
    private transient Counter deadLettered;
    private transient Counter otherTables;

    public DeadLetterSplitter(
            OutputTag<DeadLetter> deadLetters,
            Set<String> followedTables,
            JobConfig.OtherTables otherTables) {
        this.deadLetters = deadLetters;
        this.followedTables = followedTables;
        this.skipOtherTables = otherTables == JobConfig.OtherTables.SKIP;
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
        } else if (skipOtherTables) {
            otherTables.inc();
        } else {
            ChangeEvent e = result.event();
            deadLettered.inc();
            ctx.output(
                    deadLetters,
                    new DeadLetter(
                            "table:" + e.tableName(),
                            e.sequenceNumber() + "#" + e.eventId(),
                            "table '"
                                    + e.tableName()
                                    + "' is not declared (no table.* group names it); "
                                    + JobConfig.SOURCE
                                    + " / "
                                    + JobConfig.OTHER_TABLES
                                    + " = skip ignores such changes",
                            e.toString()));
        }
    }
}
