package io.changeviews.connectors.archive;

import org.apache.avro.generic.GenericRecord;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;

/**
 * Rolls a Parquet part on every checkpoint (a bulk format can only be committed whole, and that is
 * what makes the archive exactly once) and, in between, once it has grown past a size cap, so a
 * long checkpoint interval or a backfill does not make one huge file.
 */
public final class PartSizeRollingPolicy extends CheckpointRollingPolicy<GenericRecord, String> {
    private static final long serialVersionUID = 1L;

    private final long maxPartBytes;

    public PartSizeRollingPolicy(long maxPartBytes) {
        this.maxPartBytes = maxPartBytes;
    }

    /** Parquet buffers a row group in memory, so the size seen here grows in row-group steps. */
    @Override
    public boolean shouldRollOnEvent(PartFileInfo<String> partFileState, GenericRecord element)
            throws java.io.IOException {
        return partFileState.getSize() >= maxPartBytes;
    }

    @Override
    public boolean shouldRollOnProcessingTime(
            PartFileInfo<String> partFileState, long currentTime) {
        return false;
    }
}
