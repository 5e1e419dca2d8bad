package io.changeviews.connectors.sink;

import io.changeviews.connectors.aws.Backoff;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Decides which writes go into the next BatchWriteItem so that order holds per key, not per writer:
 * many requests may be in flight, but a key is never in two at once.
 *
 * <p>A key is <em>locked</em> from the moment its write leaves until DynamoDB has acknowledged it.
 * A newer write of a locked key waits (replacing an older waiting one: writes are absolute rows, so
 * only the newest matters) and becomes ready when the lock is released. An unprocessed or failed
 * write keeps its lock and is sent again, after a backoff, before any newer write of its key; it is
 * never replaced by the newer one, because after a timeout or a 5xx DynamoDB may still apply the
 * request it was in, and only its acknowledged retry proves that it can no longer land later.
 *
 * <p>Not thread-safe: one thread (the task's) offers, takes batches and reports their outcome.
 */
final class KeyOrderedBatcher {
    static final int MAX_BATCH = 25;

    private final boolean keyOrdered;
    private final Backoff backoff;
    private final AdaptiveConcurrency concurrency;

    /** Writes of unlocked keys, oldest first. */
    private final LinkedHashMap<String, KeyedWrite> ready = new LinkedHashMap<>();

    /** The newest write of each locked key that has one. */
    private final Map<String, KeyedWrite> waiting = new HashMap<>();

    /** Writes to send again, soonest due first; their keys stay locked. */
    private final PriorityQueue<Retry> retries =
            new PriorityQueue<>((a, b) -> Long.compare(a.dueMillis, b.dueMillis));

    private final Set<String> locked = new HashSet<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private int requestsInFlight;
    private int writesInFlight;
    private long replaced;

    /**
     * @param keyOrdered false only to show what per-key order prevents: a key may then be in
     *     several requests at once, and a retry no longer holds back newer writes of its key
     */
    KeyOrderedBatcher(int maxInFlight, Backoff backoff, boolean keyOrdered) {
        this.keyOrdered = keyOrdered;
        this.backoff = backoff;
        this.concurrency = new AdaptiveConcurrency(maxInFlight);
    }

    /** One BatchWriteItem's writes, each of a different key. */
    static final class Batch {
        final List<KeyedWrite> writes;

        Batch(List<KeyedWrite> writes) {
            this.writes = writes;
        }

        List<WriteRequest> requests() {
            List<WriteRequest> out = new ArrayList<>(writes.size());
            writes.forEach(w -> out.add(w.request()));
            return out;
        }

        /** This batch's writes that DynamoDB returned as unprocessed. */
        List<KeyedWrite> matching(List<WriteRequest> unprocessed) {
            List<KeyedWrite> out = new ArrayList<>();
            for (KeyedWrite w : writes) {
                if (unprocessed.contains(w.request())) {
                    out.add(w);
                }
            }
            return out;
        }
    }

    private static final class Retry {
        final KeyedWrite write;
        final long dueMillis;

        Retry(KeyedWrite write, long dueMillis) {
            this.write = write;
            this.dueMillis = dueMillis;
        }
    }

    void offer(KeyedWrite write) {
        String key = write.key();
        KeyedWrite older =
                keyOrdered && locked.contains(key)
                        ? waiting.put(key, write)
                        : ready.put(key, write);
        if (older != null) {
            replaced++;
        }
    }

    /**
     * The next request to send, or null when the in-flight limit is reached or nothing can leave
     * now: due retries first, then ready writes, up to {@value #MAX_BATCH} keys.
     */
    Batch next(long nowMillis) {
        if (requestsInFlight >= concurrency.limit()) {
            return null;
        }
        List<KeyedWrite> writes = new ArrayList<>();
        while (writes.size() < MAX_BATCH
                && !retries.isEmpty()
                && retries.peek().dueMillis <= nowMillis) {
            KeyedWrite retry = retries.poll().write;
            if (!keyOrdered && ready.containsKey(retry.key()) || contains(writes, retry.key())) {
                // Unordered: a newer write of the key is ready and replaces the retry (one write
                // per key per batch).
                replaced++;
                continue;
            }
            writes.add(retry);
        }
        for (Iterator<KeyedWrite> it = ready.values().iterator();
                writes.size() < MAX_BATCH && it.hasNext(); ) {
            KeyedWrite write = it.next();
            if (contains(writes, write.key())) {
                continue;
            }
            it.remove();
            writes.add(write);
            if (keyOrdered) {
                locked.add(write.key());
            }
        }
        if (writes.isEmpty()) {
            return null;
        }
        requestsInFlight++;
        writesInFlight += writes.size();
        return new Batch(writes);
    }

    private static boolean contains(List<KeyedWrite> writes, String key) {
        for (KeyedWrite w : writes) {
            if (w.key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * DynamoDB answered the batch: all written but {@code unprocessed}, which are sent again after
     * a backoff.
     */
    void written(Batch batch, Collection<KeyedWrite> unprocessed, long nowMillis) {
        finish(batch);
        for (KeyedWrite write : batch.writes) {
            if (unprocessed.contains(write)) {
                retry(write, nowMillis);
            } else {
                release(write.key());
            }
        }
        if (unprocessed.isEmpty()) {
            concurrency.onSuccess();
        } else {
            // DynamoDB leaves items unprocessed when the table or partition is over its capacity.
            concurrency.onThrottled();
        }
    }

    /**
     * The call failed with a retryable error: every write of the batch is sent again after a
     * backoff.
     */
    void failed(Batch batch, boolean throttled, long nowMillis) {
        finish(batch);
        batch.writes.forEach(w -> retry(w, nowMillis));
        if (throttled) {
            concurrency.onThrottled();
        }
    }

    private void finish(Batch batch) {
        requestsInFlight--;
        writesInFlight -= batch.writes.size();
    }

    private void retry(KeyedWrite write, long nowMillis) {
        int attempt = attempts.merge(write.key(), 1, Integer::sum);
        retries.add(new Retry(write, nowMillis + backoff.delayMillis(attempt - 1)));
    }

    private void release(String key) {
        attempts.remove(key);
        if (!keyOrdered) {
            return;
        }
        locked.remove(key);
        KeyedWrite newer = waiting.remove(key);
        if (newer != null) {
            ready.put(key, newer);
        }
    }

    /** When the soonest retry is due, or {@link Long#MAX_VALUE} when none waits. */
    long nextRetryDueMillis() {
        return retries.isEmpty() ? Long.MAX_VALUE : retries.peek().dueMillis;
    }

    /** Whether a request could leave now if writes were ready. */
    boolean hasCapacity() {
        return requestsInFlight < concurrency.limit();
    }

    /** Nothing waits, nothing is in flight, nothing is to be retried. */
    boolean isIdle() {
        return ready.isEmpty() && waiting.isEmpty() && retries.isEmpty() && requestsInFlight == 0;
    }

    /** Writes not yet acknowledged: ready, waiting, in flight or to be retried. */
    int pendingWrites() {
        return ready.size() + waiting.size() + retries.size() + writesInFlight;
    }

    /** Writes buffered but not yet sent: ready or waiting behind their key. */
    int bufferedWrites() {
        return ready.size() + waiting.size();
    }

    int requestsInFlight() {
        return requestsInFlight;
    }

    int concurrencyLimit() {
        return concurrency.limit();
    }

    /** Writes that never left because a newer write of their key replaced them. */
    long replacedWrites() {
        return replaced;
    }
}
