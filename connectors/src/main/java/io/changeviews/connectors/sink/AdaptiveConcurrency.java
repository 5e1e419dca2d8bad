package io.changeviews.connectors.sink;

/**
 * How many BatchWriteItem requests a writer may have in flight, adapted to throttling: halved on
 * every throttled response (down to one), one more after every response without throttling (up to
 * the configured maximum). Together with the backoff of throttled writes this slows a writer that
 * DynamoDB throttles, and lets it speed up again as soon as the table keeps up.
 */
final class AdaptiveConcurrency {
    private final int max;
    private double limit;

    AdaptiveConcurrency(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max in flight must be at least 1, got " + max);
        }
        this.max = max;
        this.limit = max;
    }

    /** The requests that may be in flight now. */
    int limit() {
        return (int) limit;
    }

    void onThrottled() {
        limit = Math.max(1, limit / 2);
    }

    void onSuccess() {
        limit = Math.min(max, limit + 1);
    }
}
