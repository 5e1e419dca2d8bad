package io.changeviews.job.normalize;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.types.Row;

/**
 * All the normalizer keeps of one item, in one state entry so a change costs one read and one
 * write: the applied image, which change was applied last (with a delete's tombstone), the event
 * ids seen at the applied change time, the event ids seen lately with when each is forgotten (only
 * for a table whose changes a view reads), and the item's one pending cleanup timer.
 *
 * <p>Event ids are kept as 64-bit fingerprints ({@link #fingerprint}): 8 bytes where the id's text
 * took 38, in an entry that every change of the item reads and writes. Two different ids of one
 * item would have to collide, at the same change time or within the dedupe retention, for a change
 * to be taken for a duplicate: a chance of about one in 2^64 per pair.
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

    /**
     * The event ids of the deliveries seen with the applied change time: a duplicate of one of them
     * ties with the applied version and may carry a higher sequence number, so only its id tells it
     * apart from a newer change; a duplicate of anything older is stale anyway.
     */
    final ArrayList<Long> tiedEventIds;

    /** Event id → the processing time after which it is forgotten. */
    final LinkedHashMap<Long, Long> seenEventIds;

    long cleanupAt = NO_TIMER;

    ItemState() {
        this(new ArrayList<>(2), new LinkedHashMap<>());
    }

    ItemState(ArrayList<Long> tiedEventIds, LinkedHashMap<Long, Long> seenEventIds) {
        this.tiedEventIds = tiedEventIds;
        this.seenEventIds = seenEventIds;
    }

    /**
     * An event id's fingerprint: FNV-1a over its characters, then MurmurHash3's finalizer so that
     * ids that differ in their last characters differ in all bits.
     */
    static long fingerprint(String eventId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < eventId.length(); i++) {
            h = (h ^ eventId.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * Whether a delivery at {@code changeTimeMicros} with this event id (a {@link #fingerprint})
     * was seen already.
     */
    boolean seenAtAppliedTime(long changeTimeMicros, Long eventId) {
        return applied
                && changeTimeMicros == this.changeTimeMicros
                && tiedEventIds.contains(eventId);
    }

    /**
     * Notes a delivery's event id before it is applied or found stale: kept while its time is the
     * applied one.
     */
    void noteDelivery(long changeTimeMicros, Long eventId, boolean appliedNow) {
        boolean tied = applied && changeTimeMicros == this.changeTimeMicros;
        if (appliedNow && !tied) {
            tiedEventIds.clear();
            tied = true;
        }
        if (tied && eventId != null) {
            tiedEventIds.add(eventId);
        }
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
        for (Iterator<Map.Entry<Long, Long>> it = seenEventIds.entrySet().iterator();
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
            tiedEventIds.clear();
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
