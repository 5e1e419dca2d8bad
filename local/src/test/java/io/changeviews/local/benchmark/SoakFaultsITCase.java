package io.changeviews.local.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's load held: {@link Soak}'s {@value #EVENTS} generated changes through the job's
 * compute path on RocksDB with flink-conf's checkpoints every 10 s; the view must equal the
 * generator's final sums, a checkpoint must complete every minute, and neither the checkpointed
 * bytes per item held nor the live heap may grow from the middle to the last third of the run.
 *
 * <p>The soak builds its own MiniCluster from flink-conf (RocksDB, managed memory per slot,
 * checkpoint folder), as the benchmark measures it, rather than the shared {@code
 * MiniClusterExtension}'s.
 */
class SoakFaultsITCase {
    private static final long EVENTS = 10_000_000;

    @Test
    void tenMillionChangesHoldStateAndHeapSteady() throws Exception {
        Soak.Result result =
                Soak.run(
                        EVENTS,
                        1_000,
                        200_000,
                        BenchmarkOptions.PARALLELISM,
                        MeasuredEnv.Backend.ROCKSDB,
                        Duration.ofSeconds(10),
                        new Progress());
        result.print();

        assertThat(result.check).startsWith("OK");
        assertThat(result.checkpointsKeptUp()).as("a checkpoint completed every minute").isTrue();
        assertThat(result.stateGrowth())
                .as("checkpointed bytes per item held, last third over middle third")
                .isLessThanOrEqualTo(Soak.Result.GROWTH_LIMIT);
        assertThat(result.heapGrowth())
                .as("live heap, last third over middle third")
                .isLessThanOrEqualTo(Soak.Result.GROWTH_LIMIT);
    }
}
