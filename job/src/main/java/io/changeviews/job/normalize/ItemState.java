package io.changeviews.job.normalize;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.types.Row;

/**
 * All the normalizer keeps of one item, in one state entry so a change costs one read and one
 * write: the applied image, which change was applied last (with a delete's tombstone), the event
 * ids seen lately and when each is forgotten, and the item's one pending cleanup timer.
 */
final class ItemState {
    /** {@link #cleanupAt} when no cleanup timer is pending. */
    static final long NO_TIMER = Long.MIN_VALUE;

    /** The applied image; null when the item is unknown or deleted. */
    Row image;

    /** Whether a change was applied: the version fields below are set. */
    boolean applied;

    long changeTimeMicros;
    String sequenceNumber;

    /** The applied change was a delete: the version is a tombstone. */
    boolean deleted;

    /** For a tombstone: the processing time after which it is forgotten. */
    long tombstoneExpiresAt;

    /** Event id → the processing time after which it is forgotten. */
    final LinkedHashMap<String, Long> seenEventIds;

    long cleanupAt = NO_TIMER;

    ItemState() {
        this(new LinkedHashMap<>());
    }

    ItemState(LinkedHashMap<String, Long> seenEventIds) {
        this.seenEventIds = seenEventIds;
    }

    void apply(long changeTimeMicros, String sequenceNumber, Row image) {
        this.applied = true;
        this.changeTimeMicros = changeTimeMicros;
        this.sequenceNumber = sequenceNumber;
        this.image = image;
        this.deleted = false;
        this.tombstoneExpiresAt = 0;
    }

    void delete(long changeTimeMicros, String sequenceNumber, long expiresAt) {
        this.applied = true;
        this.changeTimeMicros = changeTimeMicros;
        this.sequenceNumber = sequenceNumber;
        this.image = null;
        this.deleted = true;
        this.tombstoneExpiresAt = expiresAt;
    }

    /** Forgets the event ids and the tombstone whose time has come. */
    void expire(long now) {
        for (Iterator<Map.Entry<String, Long>> it = seenEventIds.entrySet().iterator();
                it.hasNext(); ) {
            if (it.next().getValue() <= now) {
                it.remove();
            }
        }
        if (applied && deleted && tombstoneExpiresAt <= now) {
            applied = false;
            deleted = false;
            tombstoneExpiresAt = 0;
            sequenceNumber = null;
            changeTimeMicros = 0;
        }
    }

    /** The earliest time something is to be forgotten, or {@link #NO_TIMER} when nothing is. */
    long nextExpiry() {
        long next = applied && deleted ? tombstoneExpiresAt : Long.MAX_VALUE;
        for (long expiry : seenEventIds.values()) {
            next = Math.min(next, expiry);
        }
        return next == Long.MAX_VALUE ? NO_TIMER : next;
    }

    /** Nothing is left to keep: the item's state can be cleared. */
    boolean isEmpty() {
        return !applied && image == null && seenEventIds.isEmpty();
    }
}
