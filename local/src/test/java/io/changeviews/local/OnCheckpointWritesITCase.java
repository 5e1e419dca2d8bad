package io.changeviews.local;

import io.changeviews.connectors.sink.DynamoDbSinks;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code write.mode = on-checkpoint}: ever-growing values of many keys, through the coalescer and
 * the two-phase committing view sink, to DynamoDB Local behind the faulty proxy, while the job
 * fails and restores from its checkpoints three times mid-stream. Every write DynamoDB acknowledged
 * (the proxy's log) shows no key ever going back to an older value, and the table ends at every
 * key's newest value.
 */
class OnCheckpointWritesITCase {
    private static final GrowingValues WORKLOAD = new GrowingValues(40, 6_000);
    private static final String TABLE = "on_checkpoint";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static LocalDynamoDb dynamoDb;
    private static FaultyDynamoDbProxy proxy;

    @BeforeAll
    static void start() {
        dynamoDb = LocalDynamoDb.start();
        proxy = FaultyDynamoDbProxy.start(dynamoDb.endpoint(), 11).throttleFraction(0.2).unprocessedFraction(0.3).delayMillis(0, 20);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        dynamoDb.close();
    }

    @Test
    void noKeyEverGoesBackToAnOlderValueAcrossThreeRestores() throws Exception {
        GrowingValues.createTable(dynamoDb.client(), TABLE);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        // As on MSF (MinPauseBetweenCheckpoints): a checkpoint's completion notice precedes the next barrier.
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(100);
        env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 200));
        WORKLOAD.pipeline(env, TABLE, new CrashThrice(),
                DynamoDbSinks.onCheckpoint(TABLE, GrowingValues.CONVERTER, GrowingValues.aws(proxy.endpoint()), 16));
        env.execute("on-checkpoint-writes");

        assertThat(CrashThrice.crashes.get()).isEqualTo(3);
        Map<String, List<Long>> landed = GrowingValues.landed(proxy, TABLE);
        landed.forEach((key, values) -> {
            for (int i = 1; i < values.size(); i++) {
                // Equal is a committable committed again after a restore; older would be a step back.
                assertThat(values.get(i)).as("key %s: %s landed after %s", key, values.get(i), values.get(i - 1))
                        .isGreaterThanOrEqualTo(values.get(i - 1));
            }
        });
        assertThat(landed.values().stream().mapToInt(List::size).sum()).as("several writes per key").isGreaterThan(WORKLOAD.keys * 5);
        assertThat(proxy.throttledCalls()).isPositive();
        assertThat(proxy.partialCalls()).isPositive();
        assertThat(GrowingValues.finalValues(dynamoDb.client(), TABLE)).isEqualTo(WORKLOAD.newestValues());
    }

    /** Fails the job at a quarter, half and three quarters of the values, each time after a checkpoint completed since the last restore. */
    private static final class CrashThrice extends RichMapFunction<Long, Long> implements CheckpointListener {
        static final AtomicInteger crashes = new AtomicInteger();
        private final GrowingValues.Pace pace = new GrowingValues.Pace();
        private boolean checkpointedSinceStart;

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointedSinceStart = true;
        }

        @Override
        public Long map(Long i) throws Exception {
            pace.map(i);
            int done = crashes.get();
            if (done < 3 && checkpointedSinceStart && i >= (long) WORKLOAD.values * (done + 1) / 4
                    && crashes.compareAndSet(done, done + 1)) {
                throw new IllegalStateException("injected crash " + (done + 1));
            }
            return i;
        }
    }
}
