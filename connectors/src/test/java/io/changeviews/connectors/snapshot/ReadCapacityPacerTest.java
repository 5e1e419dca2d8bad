package io.changeviews.connectors.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadCapacityPacerTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstRequestGoesAtOnceAndEachPageDelaysTheNextByItsCost() {
        ReadCapacityPacer pacer = new ReadCapacityPacer(10);
        assertThat(pacer.waitNanos(0)).isZero();
        pacer.consumed(20, 0);
        assertThat(pacer.waitNanos(0)).isEqualTo(2 * SECOND);
        assertThat(pacer.waitNanos(SECOND)).isEqualTo(SECOND);
        pacer.consumed(5, 2 * SECOND);
        assertThat(pacer.waitNanos(2 * SECOND)).isEqualTo(SECOND / 2);
    }

    @Test
    void overAnyRunTheAverageStaysWithinTheBudget() {
        ReadCapacityPacer pacer = new ReadCapacityPacer(4);
        long now = 0;
        double units = 0;
        for (int page = 0; page < 100; page++) {
            now += pacer.waitNanos(now);
            double cost = 1 + page % 7;
            now += SECOND / 100; // the request itself
            pacer.consumed(cost, now);
            units += cost;
        }
        now += pacer.waitNanos(now);
        assertThat(units / (now / (double) SECOND)).isLessThanOrEqualTo(4.0);
    }

    @Test
    void idleTimeIsNotSavedUpForABurst() {
        ReadCapacityPacer pacer = new ReadCapacityPacer(1);
        pacer.consumed(1, 0);
        pacer.consumed(1, 100 * SECOND);
        assertThat(pacer.waitNanos(100 * SECOND)).isEqualTo(SECOND);
    }
}
