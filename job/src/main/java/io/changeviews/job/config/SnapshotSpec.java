package io.changeviews.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How a declared table is bootstrapped on a fresh start: by a parallel Scan of the live table (its
 * segments, page size, consistency, read-capacity budget), or from a DynamoDB export to S3 (an
 * existing one, or one the job starts); both with a clock margin.
 */
public final class SnapshotSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Segments per parallel instance when {@code snapshot.total-segments} is not set. */
    public static final int SEGMENTS_PER_INSTANCE = 4;

    private final JobConfig.SnapshotKind kind;
    private final int totalSegments;
    private final int pageSize;
    private final boolean consistentRead;
    private final double readCapacityPerSecond;
    private final long clockMarginMillis;
    private final String exportLocation;
    private final String exportTo;
    private final long exportTimeoutMillis;

    private SnapshotSpec(
            JobConfig.SnapshotKind kind,
            int totalSegments,
            int pageSize,
            boolean consistentRead,
            double readCapacityPerSecond,
            long clockMarginMillis,
            String exportLocation,
            String exportTo,
            long exportTimeoutMillis) {
        this.kind = kind;
        this.totalSegments = totalSegments;
        this.pageSize = pageSize;
        this.consistentRead = consistentRead;
        this.readCapacityPerSecond = readCapacityPerSecond;
        this.clockMarginMillis = clockMarginMillis;
        this.exportLocation = exportLocation;
        this.exportTo = exportTo;
        this.exportTimeoutMillis = exportTimeoutMillis;
    }

    static SnapshotSpec scan(
            int totalSegments,
            int pageSize,
            boolean consistentRead,
            double readCapacityPerSecond,
            long clockMarginMillis) {
        return new SnapshotSpec(
                JobConfig.SnapshotKind.SCAN,
                totalSegments,
                pageSize,
                consistentRead,
                readCapacityPerSecond,
                clockMarginMillis,
                null,
                null,
                0);
    }

    static SnapshotSpec export(
            String location, String to, long timeoutMillis, long clockMarginMillis) {
        return new SnapshotSpec(
                JobConfig.SnapshotKind.EXPORT,
                0,
                0,
                false,
                0,
                clockMarginMillis,
                location,
                to,
                timeoutMillis);
    }

    /** {@code SCAN} or {@code EXPORT}. */
    public JobConfig.SnapshotKind kind() {
        return kind;
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
     * How much earlier than its page's request (or the export time) an item is stamped, so that a
     * change made after the read never looks older than the item despite coarse change times or
     * clock skew.
     */
    public long clockMarginMillis() {
        return clockMarginMillis;
    }

    /** The folder of the export to read; null when the job exports the table itself. */
    public String exportLocation() {
        return exportLocation;
    }

    /** {@code s3://bucket[/prefix]} to export the table to when the job is built; or null. */
    public String exportTo() {
        return exportTo;
    }

    /** How long the job's start waits for the export it started. */
    public Duration exportTimeout() {
        return Duration.ofMillis(exportTimeoutMillis);
    }
}
