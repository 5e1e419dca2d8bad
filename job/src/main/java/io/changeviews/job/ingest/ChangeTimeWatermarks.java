package io.changeviews.job.ingest;

import io.changeviews.connectors.change.ChangeEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** Event time of the change stream: each change's own change time, not its arrival. */
public final class ChangeTimeWatermarks {
    private ChangeTimeWatermarks() {}

    /**
     * Watermarks that trail the highest change time by {@code outOfOrderness} (KDS for DynamoDB
     * delivers out of order), and that an idle shard or table stops holding back after {@code
     * idleTimeout}.
     */
    public static WatermarkStrategy<ChangeEvent> strategy(
            Duration outOfOrderness, Duration idleTimeout) {
        return WatermarkStrategy.<ChangeEvent>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((event, ts) -> event.changeTimeMillis())
                .withIdleness(idleTimeout);
    }
}
