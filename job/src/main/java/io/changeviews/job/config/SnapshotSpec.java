package io.changeviews.job.config;

import java.io.Serializable;

/**
 * How a declared table is bootstrapped on a fresh start: by a parallel Scan of the live table, with
 * its segments, page size, consistency, read-capacity budget and clock margin.
 */
public final class SnapshotSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Segments per parallel instance when {@code snapshot.total-segments} is not set. */
    public static final int SEGMENTS_PER_INSTANCE = 4;

    private final int totalSegments;
    private final int pageSize;
    private final boolean consistentRead;
    private final double readCapacityPerSecond;
    private final long clockMarginMillis;

    SnapshotSpec(
            int totalSegments,
            int pageSize,
            boolean consistentRead,
            double readCapacityPerSecond,
            long clockMarginMillis) {
        this.totalSegments = totalSegments;
        this.pageSize = pageSize;
        this.consistentRead = consistentRead;
        this.readCapacityPerSecond = readCapacityPerSecond;
        this.clockMarginMillis = clockMarginMillis;
    }

    /** Scan's TotalSegments for a job of {@code parallelism}: configured, or a few per instance. */
    public int totalSegments(int parallelism) {
        return totalSegments > 0 ? totalSegments : SEGMENTS_PER_INSTANCE * Math.max(1, parallelism);
    }

    public int pageSize() {
        return pageSize;
    }

    public boolean consistentRead() {
        return consistentRead;
    }

    /** Read capacity units per second for the whole job. */
    public double readCapacityPerSecond() {
        return readCapacityPerSecond;
    }

    /**
     * How much earlier than its page's request an item is stamped, so that a change made after the
     * read never looks older than the item despite coarse change times or clock skew.
     */
    public long clockMarginMillis() {
        return clockMarginMillis;
    }
}
