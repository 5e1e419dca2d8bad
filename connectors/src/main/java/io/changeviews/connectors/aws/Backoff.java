package io.changeviews.connectors.aws;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of min(cap, base·2ⁿ), so
 * retrying callers spread out.
 */
public final class Backoff implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long baseMillis;
    private final long capMillis;

    public Backoff(Duration base, Duration cap) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
    }

    /** The ceiling of the wait before retry number {@code attempt} (0 for the first retry). */
    public long ceilingMillis(int attempt) {
        long exp = attempt >= 30 ? Long.MAX_VALUE : baseMillis << attempt;
        return exp <= 0 || exp > capMillis ? capMillis : exp;
    }

    /** A random wait before retry number {@code attempt}, within [ceiling/2, ceiling]. */
    public long delayMillis(int attempt) {
        long ceiling = ceilingMillis(attempt);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
    }
}
