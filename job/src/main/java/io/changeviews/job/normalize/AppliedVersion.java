package io.changeviews.job.normalize;

/**
 * Which change of an item the normalizer applied last, and whether it was a delete (a tombstone).
 */
public class AppliedVersion {
    public long changeTimeMicros;
    public String sequenceNumber;
    public boolean deleted;

    /** For a tombstone: the processing time after which it is forgotten. */
    public long expiresAt;

    public AppliedVersion() {}

    AppliedVersion(long changeTimeMicros, String sequenceNumber, boolean deleted, long expiresAt) {
        this.changeTimeMicros = changeTimeMicros;
        this.sequenceNumber = sequenceNumber;
        this.deleted = deleted;
        this.expiresAt = expiresAt;
    }
}
