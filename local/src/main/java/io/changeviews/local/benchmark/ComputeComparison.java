package io.changeviews.local.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The compute path against the plain Flink SQL peer at one parallelism and state backend, over
 * several rounds of one run of each: on this shared machine one pair of runs moves by ±0.3 in its
 * ratio, so the figure is the median of the rounds, each ratio taken between the two runs of one
 * round (run back to back, under about the same load).
 */
final class ComputeComparison {
    final int parallelism;
    final MeasuredEnv.Backend backend;

    /** The job's and the peer's runs, one of each per round, in round order. */
    final List<ComputeRun> job;

    final List<ComputeRun> peer;

    private ComputeComparison(
            int parallelism,
            MeasuredEnv.Backend backend,
            List<ComputeRun> job,
            List<ComputeRun> peer) {
        this.parallelism = parallelism;
        this.backend = backend;
        this.job = job;
        this.peer = peer;
    }

    /**
     * Runs {@code rounds} rounds of {@code job} and {@code peer}; which runs first alternates, so
     * that neither is always the one to run after the other's garbage and warm caches.
     */
    static ComputeComparison measure(
            int parallelism,
            MeasuredEnv.Backend backend,
            int rounds,
            Measurement job,
            Measurement peer)
            throws Exception {
        List<ComputeRun> jobRuns = new ArrayList<>();
        List<ComputeRun> peerRuns = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                jobRuns.add(job.run(parallelism, backend));
                peerRuns.add(peer.run(parallelism, backend));
            } else {
                peerRuns.add(peer.run(parallelism, backend));
                jobRuns.add(job.run(parallelism, backend));
            }
        }
        return new ComputeComparison(parallelism, backend, jobRuns, peerRuns);
    }

    /** One measured run of a compute job. */
    interface Measurement {
        ComputeRun run(int parallelism, MeasuredEnv.Backend backend) throws Exception;
    }

    /** The job's events/s over the peer's, per round. */
    List<Double> ratios() {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < job.size(); i++) {
            ratios.add(job.get(i).eventsPerSecond() / peer.get(i).eventsPerSecond());
        }
        return ratios;
    }

    double medianRatio() {
        return median(ratios());
    }

    /** The run of {@code runs} with the median events/s: the one whose state and heap are shown. */
    static ComputeRun medianRun(List<ComputeRun> runs) {
        List<ComputeRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(ComputeRun::eventsPerSecond));
        return sorted.get((sorted.size() - 1) / 2);
    }

    static double medianRate(List<ComputeRun> runs) {
        return median(runs.stream().map(ComputeRun::eventsPerSecond).collect(Collectors.toList()));
    }

    static double medianCpuPerMillion(List<ComputeRun> runs) {
        return median(
                runs.stream().map(ComputeRun::cpuSecondsPerMillion).collect(Collectors.toList()));
    }

    /** Every run's check when they agree (OK), else each run's in round order. */
    static String checks(List<ComputeRun> runs) {
        List<String> checks = runs.stream().map(r -> r.check).collect(Collectors.toList());
        return checks.stream().distinct().count() == 1 ? checks.get(0) : String.join(" / ", checks);
    }

    /** The per-round ratios as the report prints them: 0.96x, 1.31x, 1.02x. */
    String ratioList() {
        return ratios().stream()
                .map(r -> String.format(Locale.ROOT, "%.2fx", r))
                .collect(Collectors.joining(", "));
    }

    /** The middle value; of an even count, the mean of the middle two. */
    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
