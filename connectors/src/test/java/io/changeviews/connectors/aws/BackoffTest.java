package io.changeviews.connectors.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Exponential backoff with jitter: doubling ceilings, a cap, and waits spread within [ceiling/2,
 * ceiling].
 */
class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void ceilingsDoubleUpToTheCap() {
        assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
        assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(3_200);
        assertThat(backoff.ceilingMillis(6)).isEqualTo(5_000);
        assertThat(backoff.ceilingMillis(62)).isEqualTo(5_000);
    }

    @Test
    void delaysAreJitteredWithinTheirBounds() {
        for (int attempt = 0; attempt < 10; attempt++) {
            long ceiling = backoff.ceilingMillis(attempt);
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < 2_000; i++) {
                long d = backoff.delayMillis(attempt);
                assertThat(d).isBetween(ceiling / 2, ceiling);
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertThat(max - min).as("spread at attempt %d", attempt).isGreaterThan(ceiling / 4);
        }
    }
}
