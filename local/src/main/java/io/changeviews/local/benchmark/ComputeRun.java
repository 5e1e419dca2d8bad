package io.changeviews.local.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One measured run of a compute job without DynamoDB: what ran, at which parallelism and state
 * backend, its wall and CPU seconds, and whether its result equals the workload's final sums.
 */
final class ComputeRun {
    final String what;
    final int parallelism;
    final MeasuredEnv.Backend backend;
    final long events;
    final double seconds;
    final double cpuSeconds;
    final String check;

    /** The newest checkpoint of the run, if one completed. */
    final Optional<CheckpointProbe.Sample> state;

    /** The most heap in use at any time of the run, garbage included. */
    final long peakHeapBytes;

    /** Package-private so the report's arithmetic can be tested on runs made up by hand. */
    ComputeRun(
            String what,
            int parallelism,
            MeasuredEnv.Backend backend,
            long events,
            double seconds,
            double cpuSeconds,
            String check,
            Optional<CheckpointProbe.Sample> state,
            long peakHeapBytes) {
        this.what = what;
        this.parallelism = parallelism;
        this.backend = backend;
        this.events = events;
        this.seconds = seconds;
        this.cpuSeconds = cpuSeconds;
        this.check = check;
        this.state = state;
        this.peakHeapBytes = peakHeapBytes;
    }

    /**
     * Executes the job built into {@code env} from {@code feed}, whose result {@code values}
     * collects; the checkpoints' share of the operator {@code probedUid} is kept apart.
     */
    static ComputeRun execute(
            String what,
            int parallelism,
            MeasuredEnv.Backend backend,
            EncodedFeed feed,
            String probedUid,
            StreamExecutionEnvironment env,
            FinalValues values,
            Map<String, Long> expectedSums,
            Progress progress)
            throws Exception {
        Path checkpoints =
                Path.of(
                        URI.create(
                                env.getConfiguration()
                                        .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        double cpu0 = MeasuredEnv.cpuSeconds();
        long t0 = System.nanoTime();
        Optional<CheckpointProbe.Sample> state;
        try (CheckpointProbe probe =
                new CheckpointProbe(checkpoints, probedUid, feed::handedOutCount)) {
            env.execute(what);
            state = probe.latest();
        }
        // Up to the end of the view's input, not of the job: a finished job still waits for its
        // final checkpoint, which the periodic trigger starts up to an interval later, so the
        // whole run's time varies by seconds with where that trigger falls.
        double seconds = (values.endOfInputNanos() - t0) / 1e9;
        double cpuSeconds = values.cpuSecondsAtEndOfInput() - cpu0;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        ComputeRun run =
                new ComputeRun(
                        what,
                        parallelism,
                        backend,
                        feed.size(),
                        seconds,
                        cpuSeconds,
                        values.check(expectedSums),
                        state,
                        peakHeap);
        progress.print(run.toString());
        return run;
    }

    double eventsPerSecond() {
        return events / seconds;
    }

    /** CPU seconds per 1,000,000 events, job start included, up to the end of input. */
    double cpuSecondsPerMillion() {
        return cpuSeconds * 1e6 / events;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s, parallelism %d, %s: %,d events in %.1f s from job start to end of input = %s"
                        + " events/s, %.1f"
                        + " CPU s per 1,000,000 events, result %s; %s; peak heap %,d MB",
                what,
                parallelism,
                backend,
                events,
                seconds,
                Report.rate(eventsPerSecond()),
                cpuSecondsPerMillion(),
                check,
                state.map(
                                s ->
                                        String.format(
                                                Locale.ROOT,
                                                "checkpoint %d after %,d records: %,.1f MB of state"
                                                        + " (%,.1f MB the normalizer's)",
                                                s.checkpointId,
                                                s.recordsRead,
                                                s.totalBytes / 1e6,
                                                s.operatorBytes / 1e6))
                        .orElse("no checkpoint completed"),
                peakHeapBytes >> 20);
    }
}
