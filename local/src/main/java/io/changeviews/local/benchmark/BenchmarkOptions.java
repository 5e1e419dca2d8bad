package io.changeviews.local.benchmark;

import io.changeviews.job.ops.Options;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's command-line options with their defaults, and the seed and parallelism its report
 * names beside them.
 */
final class BenchmarkOptions {
    /** The order workload's random seed. */
    static final long SEED = 2026;

    static final int PARALLELISM = 2;

    /** The exponent of the skewed workload's Zipf distribution over the items. */
    static final double ZIPF_EXPONENT = 1.1;

    /** {@code --writer-in-flight}'s default: the limit kda-app.json ships. */
    static final String SHIPPED = "shipped";

    /** What {@code --sections} may name, in the order they run. */
    static final List<String> SECTIONS =
            List.of(
                    "compute",
                    "archive",
                    "end-to-end",
                    "latency",
                    "replay",
                    "sentiment",
                    "bootstrap",
                    "writer");

    /** Whether the run measures {@code section}. */
    boolean runs(String section) {
        return sections.contains(section);
    }

    final int events;
    final int items;

    /** Rounds of one compute-path run and one peer run per parallelism and state backend. */
    final int computeRounds;

    final int baselineEvents;
    final int latencySeconds;

    /** The rates, changes per second, latency is measured at: one run of the job for each. */
    final List<Double> latencyRates;

    final int reviews;
    final int comprehendReviews;
    final int snapshotItems;
    final int skewedEvents;
    final int replayEvents;
    final int writerItems;
    final int writerBaselineItems;

    /** The key-ordered writer's in-flight limits to run; empty: the shipped one. */
    final List<Integer> writerInFlight;

    final Set<String> sections;

    private BenchmarkOptions(Map<String, String> options) {
        events = Integer.parseInt(options.get("events"));
        items = Integer.parseInt(options.get("items"));
        computeRounds = Integer.parseInt(options.get("compute-rounds"));
        if (computeRounds < 1) {
            throw new IllegalArgumentException("--compute-rounds takes 1 or more");
        }
        baselineEvents = Math.min(events, Integer.parseInt(options.get("baseline-events")));
        latencySeconds = Integer.parseInt(options.get("latency-seconds"));
        latencyRates = new ArrayList<>();
        for (String rate : options.get("latency-rates").split(",")) {
            latencyRates.add(Double.parseDouble(rate));
        }
        reviews = Integer.parseInt(options.get("reviews"));
        comprehendReviews = Integer.parseInt(options.get("comprehend-reviews"));
        snapshotItems = Integer.parseInt(options.get("snapshot-items"));
        skewedEvents = Integer.parseInt(options.get("skewed-events"));
        replayEvents = Integer.parseInt(options.get("replay-events"));
        writerItems = Integer.parseInt(options.get("writer-items"));
        writerBaselineItems = Integer.parseInt(options.get("writer-baseline-items"));
        writerInFlight = new ArrayList<>();
        if (!options.get("writer-in-flight").equals(SHIPPED)) {
            for (String limit : options.get("writer-in-flight").split(",")) {
                writerInFlight.add(Integer.parseInt(limit));
            }
        }
        sections = new LinkedHashSet<>(Arrays.asList(options.get("sections").split(",")));
        if (sections.remove("all")) {
            sections.addAll(SECTIONS);
        }
        if (!SECTIONS.containsAll(sections)) {
            throw new IllegalArgumentException(
                    "--sections takes all or some of " + String.join(",", SECTIONS));
        }
    }

    static BenchmarkOptions parse(String[] args) {
        return new BenchmarkOptions(
                Options.parse(
                        args,
                        "events",
                        "1000000",
                        "items",
                        "1000",
                        "compute-rounds",
                        "3",
                        "latency-seconds",
                        "30",
                        "latency-rates",
                        "20,500",
                        "baseline-events",
                        "20000",
                        "reviews",
                        "100000",
                        "comprehend-reviews",
                        "20000",
                        "snapshot-items",
                        "100000",
                        "skewed-events",
                        "200000",
                        "replay-events",
                        "50000",
                        "writer-items",
                        "30000",
                        "writer-baseline-items",
                        "5000",
                        "writer-in-flight",
                        SHIPPED,
                        "sections",
                        "all"));
    }
}
