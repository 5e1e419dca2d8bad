package io.changeviews.job.sentiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Groups items by language into batches of at most {@code maxSize}; a batch is handed over when it
 * is full, or {@code maxWait} after its first item arrived, so a lone review is not held back.
 * Thread-safe; hand-overs run outside the lock.
 */
final class ReviewBatcher<T> {
    /** Receives a full or timed-out batch of one language. */
    interface Flush<T> {
        void flush(String language, List<T> batch);
    }

    private final int maxSize;
    private final long maxWaitMillis;
    private final ScheduledExecutorService timers;
    private final Flush<T> flush;
    private final Map<String, List<T>> open = new HashMap<>();

    ReviewBatcher(int maxSize, Duration maxWait, ScheduledExecutorService timers, Flush<T> flush) {
        this.maxSize = maxSize;
        this.maxWaitMillis = maxWait.toMillis();
        this.timers = timers;
        this.flush = flush;
    }

    void add(String language, T item) {
        List<T> full = null;
        synchronized (this) {
            List<T> batch = open.get(language);
            if (batch == null) {
                List<T> fresh = new ArrayList<>(maxSize);
                open.put(language, fresh);
                batch = fresh;
                timers.schedule(
                        () -> flushIfOpen(language, fresh), maxWaitMillis, TimeUnit.MILLISECONDS);
            }
            batch.add(item);
            if (batch.size() >= maxSize) {
                open.remove(language);
                full = batch;
            }
        }
        if (full != null) {
            flush.flush(language, full);
        }
    }

    /** The max-wait timer of {@code batch}: hands it over unless it already went out full. */
    private void flushIfOpen(String language, List<T> batch) {
        synchronized (this) {
            if (open.get(language) != batch) {
                return;
            }
            open.remove(language);
        }
        flush.flush(language, batch);
    }
}
