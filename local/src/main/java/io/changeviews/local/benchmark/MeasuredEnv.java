package io.changeviews.local.benchmark;

import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The MiniCluster of a measured compute run: flink-conf's checkpointing (every 10 s, exactly once)
 * on RocksDB with incremental checkpoints as MSF runs it, or on the heap, with an MSF task slot's
 * managed memory per slot; and the JVM's CPU time, which such a run has to itself.
 */
final class MeasuredEnv {
    /**
     * Managed memory (RocksDB's block cache and write buffers) per task slot. An MSF KPU has 4 GB,
     * of which 1 GB is native memory and 3 GB heap, and one slot at the default ParallelismPerKPU
     * of 1; managed memory is part of that native gigabyte beside network buffers, metaspace and
     * the JVM's overhead, so half of it. A MiniCluster would otherwise share 128 MB among all its
     * slots' RocksDB instances, which then stall writing (here the compute path ran 3x slower).
     */
    private static final MemorySize MANAGED_MEMORY_PER_SLOT = MemorySize.ofMebiBytes(512);

    /** Where the run's state lives. */
    enum Backend {
        HEAP("hashmap"),
        ROCKSDB("rocksdb");

        final String flinkName;

        Backend(String flinkName) {
            this.flinkName = flinkName;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private MeasuredEnv() {}

    static StreamExecutionEnvironment create(int parallelism, Backend backend) throws IOException {
        Configuration conf =
                GlobalConfiguration.loadConfiguration(
                        RepoPaths.root().resolve("flink-conf").toString());
        conf.set(StateBackendOptions.STATE_BACKEND, backend.flinkName);
        conf.set(
                TaskManagerOptions.MANAGED_MEMORY_SIZE,
                MANAGED_MEMORY_PER_SLOT.multiply(parallelism));
        // Any free port: flink-conf's fixed one may be taken by a local run or another benchmark.
        conf.set(RestOptions.BIND_PORT, "0");
        Path checkpoints = Files.createTempDirectory("changeviews-benchmark-checkpoints");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** CPU seconds this JVM has used so far, on all its threads. */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }
}
