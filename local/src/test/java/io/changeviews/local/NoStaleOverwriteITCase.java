package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.sink.DynamoDbSinks;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
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

/**
 * Writes ever-growing values of many keys through the coalescer and the key-ordered view writer,
 * with many requests in flight, to DynamoDB Local behind a proxy that throttles, delays and
 * half-processes batches: no key's value may ever land after a newer one, and after a crash and
 * restore every key ends at its newest value. In {@code on-checkpoint} mode, with the job failed
 * and restored from its checkpoints three times mid-stream, every write DynamoDB acknowledged (the
 * proxy's log) shows no key ever going back to an older value.
 */
class NoStaleOverwriteITCase {
    private static final GrowingValues WORKLOAD = new GrowingValues(40, 6_000);
    private static final int MAX_IN_FLIGHT = 16;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static LocalDynamoDb dynamoDb;
    private static FaultyDynamoDbProxy proxy;

    @BeforeAll
    static void start() {
        dynamoDb = LocalDynamoDb.start();
        proxy =
                FaultyDynamoDbProxy.start(dynamoDb.endpoint(), 5)
                        .throttleFraction(0.3)
                        .unprocessedFraction(0.3)
                        .delayMillis(0, 40);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        dynamoDb.close();
    }

    private static void pipeline(
            StreamExecutionEnvironment env, String table, MapFunction<Long, Long> beforeWrite) {
        WORKLOAD.pipeline(
                env,
                table,
                beforeWrite,
                DynamoDbSinks.keyOrdered(
                        table,
                        GrowingValues.CONVERTER,
                        GrowingValues.aws(proxy.endpoint()),
                        MAX_IN_FLIGHT));
    }

    @Test
    void noOlderValueLandsAfterANewerOneUnderThrottlingDelaysAndUnprocessedItems()
            throws Exception {
        GrowingValues.createTable(dynamoDb.client(), "stale_retries");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        pipeline(env, "stale_retries", new GrowingValues.Pace());
        env.execute("no-stale-overwrite");

        Map<String, List<Long>> landed = GrowingValues.landed(proxy, "stale_retries");
        landed.forEach(
                (key, values) -> {
                    for (int i = 1; i < values.size(); i++) {
                        assertThat(values.get(i))
                                .as(
                                        "key %s: %s landed after %s",
                                        key, values.get(i), values.get(i - 1))
                                .isGreaterThan(values.get(i - 1));
                    }
                });
        assertThat(landed.values().stream().mapToInt(List::size).sum())
                .as("several writes per key")
                .isGreaterThan(WORKLOAD.keys * 5);
        assertThat(proxy.maxConcurrentBatchWrites()).as("many requests in flight").isGreaterThan(2);
        assertThat(proxy.throttledCalls()).isPositive();
        assertThat(proxy.partialCalls()).isPositive();
        assertThat(GrowingValues.finalValues(dynamoDb.client(), "stale_retries"))
                .isEqualTo(WORKLOAD.newestValues());
    }

    @Test
    void afterACrashAndRestoreEveryKeyEndsAtItsNewestValue() throws Exception {
        GrowingValues.createTable(dynamoDb.client(), "stale_restart");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 200));
        pipeline(env, "stale_restart", new CrashOnce());
        env.execute("no-stale-overwrite-restart");
        assertThat(CrashOnce.crashed).isTrue();
        assertThat(GrowingValues.finalValues(dynamoDb.client(), "stale_restart"))
                .isEqualTo(WORKLOAD.newestValues());
    }

    /** Fails the job once, two thirds of the way through, after at least one checkpoint. */
    private static final class CrashOnce implements MapFunction<Long, Long> {
        static final AtomicBoolean crashed = new AtomicBoolean();
        private final GrowingValues.Pace pace = new GrowingValues.Pace();

        @Override
        public Long map(Long i) throws Exception {
            pace.map(i);
            if (i == WORKLOAD.values * 2 / 3 && crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected crash");
            }
            return i;
        }
    }

    @Test
    void onCheckpointNoKeyEverGoesBackToAnOlderValueAcrossThreeRestores() throws Exception {
        String table = "on_checkpoint";
        GrowingValues.createTable(dynamoDb.client(), table);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        // As on MSF (MinPauseBetweenCheckpoints): a checkpoint's completion notice precedes the
        // next barrier.
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(100);
        env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 200));
        WORKLOAD.pipeline(
                env,
                table,
                new CrashThrice(),
                DynamoDbSinks.onCheckpoint(
                        table,
                        GrowingValues.CONVERTER,
                        GrowingValues.aws(proxy.endpoint()),
                        MAX_IN_FLIGHT));
        env.execute("on-checkpoint-writes");

        assertThat(CrashThrice.crashes.get()).isEqualTo(3);
        Map<String, List<Long>> landed = GrowingValues.landed(proxy, table);
        landed.forEach(
                (key, values) -> {
                    for (int i = 1; i < values.size(); i++) {
                        // Equal is a committable committed again after a restore; older would be a
                        // step back.
                        assertThat(values.get(i))
                                .as(
                                        "key %s: %s landed after %s",
                                        key, values.get(i), values.get(i - 1))
                                .isGreaterThanOrEqualTo(values.get(i - 1));
                    }
                });
        assertThat(landed.values().stream().mapToInt(List::size).sum())
                .as("several writes per key")
                .isGreaterThan(WORKLOAD.keys * 5);
        assertThat(proxy.throttledCalls()).isPositive();
        assertThat(proxy.partialCalls()).isPositive();
        assertThat(GrowingValues.finalValues(dynamoDb.client(), table))
                .isEqualTo(WORKLOAD.newestValues());
    }

    /**
     * Fails the job at a quarter, half and three quarters of the values, each time after a
     * checkpoint completed since the last restore; past a crash point it slows the stream down
     * until that checkpoint has completed, so a slow first checkpoint after a restore cannot let
     * the bounded workload end before all three crashes happened.
     */
    private static final class CrashThrice extends RichMapFunction<Long, Long>
            implements CheckpointListener {
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
            if (done < 3 && i >= (long) WORKLOAD.values * (done + 1) / 4) {
                if (!checkpointedSinceStart) {
                    Thread.sleep(20);
                } else if (crashes.compareAndSet(done, done + 1)) {
                    throw new IllegalStateException("injected crash " + (done + 1));
                }
            }
            return i;
        }
    }
}
