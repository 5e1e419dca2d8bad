package io.changeviews.job.ingest;

import io.changeviews.connectors.change.ChangeEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * Event time of the change stream: each change's own change time, not its arrival. Snapshot items
 * are not changes and are invisible to it: stamped about now, they would otherwise push the
 * watermark past the stream's backlog, which window TVFs would then drop as late.
 */
public final class ChangeTimeWatermarks {
    private ChangeTimeWatermarks() {}

    /**
     * Watermarks that trail the highest change time by {@code outOfOrderness} (KDS for DynamoDB
     * delivers out of order), and that an idle shard or table stops holding back after {@code
     * idleTimeout}.
     */
    public static WatermarkStrategy<ChangeEvent> strategy(
            Duration outOfOrderness, Duration idleTimeout) {
        return WatermarkStrategy.<ChangeEvent>forGenerator(
                        context ->
                                new StreamChangesOnly(
                                        new WatermarksWithIdleness<>(
                                                new BoundedOutOfOrdernessWatermarks<>(
                                                        outOfOrderness),
                                                idleTimeout,
                                                context.getInputActivityClock())))
                .withTimestampAssigner((event, ts) -> event.changeTimeMillis());
    }

    /**
     * Hands only stream changes to the watermark generator; a subtask with only snapshot items goes
     * idle.
     */
    private static final class StreamChangesOnly implements WatermarkGenerator<ChangeEvent> {
        private final WatermarkGenerator<ChangeEvent> generator;

        StreamChangesOnly(WatermarkGenerator<ChangeEvent> generator) {
            this.generator = generator;
        }

        @Override
        public void onEvent(ChangeEvent event, long timestamp, WatermarkOutput output) {
            if (!event.snapshot()) {
                generator.onEvent(event, timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            generator.onPeriodicEmit(output);
        }
    }
}
