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
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The MiniCluster of a measured compute run: flink-conf's checkpointing (every 10 s, exactly once)
 * on RocksDB with incremental checkpoints as MSF runs it, or on the heap; and the JVM's CPU time,
 * which such a run has to itself.
 */
final class MeasuredEnv {
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
