package io.changeviews.job.sentiment;

/**
 * Spaces calls evenly to a rate without blocking: each call reserves the next free slot and is
 * scheduled for it.
 */
final class RateLimiter {
    private final long intervalNanos;
    private long nextSlot = Long.MIN_VALUE;

    RateLimiter(double callsPerSecond) {
        this.intervalNanos = (long) (1_000_000_000L / callsPerSecond);
    }

    /** Reserves a slot; returns how many nanoseconds from {@code now} the call may start. */
    synchronized long reserve(long now) {
        long slot = nextSlot == Long.MIN_VALUE ? now : Math.max(now, nextSlot);
        nextSlot = slot + intervalNanos;
        return slot - now;
    }
}
