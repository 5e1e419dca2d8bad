package io.changeviews.connectors.snapshot;

/**
 * Spaces one reader's Scan requests so that the read capacity they consume averages at most its
 * share of the budget: each page's consumed units push the next request back by units / rate. Not
 * thread-safe: one reader's fetch thread uses it.
 */
final class ReadCapacityPacer {
    private final double unitsPerSecond;
    private long nextRequestNanos = Long.MIN_VALUE;

    ReadCapacityPacer(double unitsPerSecond) {
        if (!(unitsPerSecond > 0)) {
            throw new IllegalArgumentException("read capacity per second must be > 0");
        }
        this.unitsPerSecond = unitsPerSecond;
    }

    /** How long to wait at {@code nowNanos} before the next request may go. */
    long waitNanos(long nowNanos) {
        return nextRequestNanos == Long.MIN_VALUE ? 0 : Math.max(0, nextRequestNanos - nowNanos);
    }

    /** Books {@code units} consumed by a request that ended at {@code nowNanos}. */
    void consumed(double units, long nowNanos) {
        long start =
                nextRequestNanos == Long.MIN_VALUE
                        ? nowNanos
                        : Math.max(nowNanos, nextRequestNanos);
        nextRequestNanos = start + (long) (units / unitsPerSecond * 1e9);
    }
}
