package io.changeviews.local.benchmark;

import java.util.Locale;
import java.util.Map;
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

    private ComputeRun(
            String what,
            int parallelism,
            MeasuredEnv.Backend backend,
            long events,
            double seconds,
            double cpuSeconds,
            String check) {
        this.what = what;
        this.parallelism = parallelism;
        this.backend = backend;
        this.events = events;
        this.seconds = seconds;
        this.cpuSeconds = cpuSeconds;
        this.check = check;
    }

    /** Executes the job built into {@code env}, whose result {@code values} collects. */
    static ComputeRun execute(
            String what,
            int parallelism,
            MeasuredEnv.Backend backend,
            long events,
            StreamExecutionEnvironment env,
            FinalValues values,
            Map<String, Long> expectedSums,
            Progress progress)
            throws Exception {
        double cpu0 = MeasuredEnv.cpuSeconds();
        long t0 = System.nanoTime();
        env.execute(what);
        double seconds = Progress.secondsSince(t0);
        ComputeRun run =
                new ComputeRun(
                        what,
                        parallelism,
                        backend,
                        events,
                        seconds,
                        MeasuredEnv.cpuSeconds() - cpu0,
                        values.check(expectedSums));
        progress.print(run.toString());
        return run;
    }

    double eventsPerSecond() {
        return events / seconds;
    }

    /** CPU seconds per 1,000,000 events, job start included. */
    double cpuSecondsPerMillion() {
        return cpuSeconds * 1e6 / events;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s, parallelism %d, %s: %,d events in %.1f s incl. job start = %s events/s, %.1f"
                        + " CPU s per 1,000,000 events, result %s",
                what,
                parallelism,
                backend,
                events,
                seconds,
                Report.rate(eventsPerSecond()),
                cpuSecondsPerMillion(),
                check);
    }
}
