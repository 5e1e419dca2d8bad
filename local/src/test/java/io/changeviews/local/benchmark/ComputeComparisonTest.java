package io.changeviews.local.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The compute comparison's rounds: which runs first, the per-round ratios and the medians. */
class ComputeComparisonTest {
    private static final MeasuredEnv.Backend BACKEND = MeasuredEnv.Backend.ROCKSDB;

    /** A run of 1,000,000 events at {@code eventsPerSecond}, with one CPU second per second. */
    private static ComputeRun run(String what, double eventsPerSecond, String check) {
        double seconds = 1_000_000 / eventsPerSecond;
        return new ComputeRun(
                what, 2, BACKEND, 1_000_000, seconds, seconds, check, Optional.empty(), 0);
    }

    @Test
    void alternatesWhichRunsFirstAndTakesEachRatioWithinItsRound() throws Exception {
        List<String> order = new ArrayList<>();
        double[] jobRates = {100, 300, 200};
        double[] peerRates = {200, 150, 100};
        int[] calls = new int[2];
        ComputeComparison c =
                ComputeComparison.measure(
                        2,
                        BACKEND,
                        3,
                        (p, b) -> {
                            order.add("job");
                            return run("job", jobRates[calls[0]++], "OK");
                        },
                        (p, b) -> {
                            order.add("peer");
                            return run("peer", peerRates[calls[1]++], "OK");
                        });

        assertThat(order).containsExactly("job", "peer", "peer", "job", "job", "peer");
        assertThat(c.ratios()).containsExactly(0.5, 2.0, 2.0);
        assertThat(c.medianRatio()).isEqualTo(2.0);
        assertThat(c.ratioList()).isEqualTo("0.50x, 2.00x, 2.00x");
        assertThat(ComputeComparison.medianRate(c.job)).isCloseTo(200, within(1e-9));
        assertThat(ComputeComparison.medianRate(c.peer)).isCloseTo(150, within(1e-9));
        // One CPU second per second: the median run's CPU per million events is its seconds.
        assertThat(ComputeComparison.medianCpuPerMillion(c.job))
                .isCloseTo(1_000_000 / 200.0, within(1e-9));
        assertThat(ComputeComparison.medianRun(c.job).eventsPerSecond())
                .isCloseTo(200, within(1e-9));
    }

    @Test
    void anEvenCountOfRoundsTakesTheMeanOfTheMiddleTwo() throws Exception {
        double[] rates = {100, 200};
        int[] i = new int[1];
        ComputeComparison c =
                ComputeComparison.measure(
                        1,
                        BACKEND,
                        2,
                        (p, b) -> run("job", rates[i[0]++], "OK"),
                        (p, b) -> run("peer", 100, "OK"));

        // The median of 100 and 200 events/s; the run shown for state and heap is the slower one.
        assertThat(ComputeComparison.medianRate(c.job)).isCloseTo(150, within(1e-9));
        assertThat(ComputeComparison.medianRun(c.job).eventsPerSecond())
                .isCloseTo(100, within(1e-9));
    }

    @Test
    void checksAreShownOnceWhenAllAgreeAndEachWhenNot() {
        assertThat(
                        ComputeComparison.checks(
                                List.of(
                                        run("job", 1, "OK (7 keys)"),
                                        run("job", 1, "OK (7 keys)"))))
                .isEqualTo("OK (7 keys)");
        assertThat(
                        ComputeComparison.checks(
                                List.of(run("job", 1, "OK (7 keys)"), run("job", 1, "WRONG"))))
                .isEqualTo("OK (7 keys) / WRONG");
    }
}
