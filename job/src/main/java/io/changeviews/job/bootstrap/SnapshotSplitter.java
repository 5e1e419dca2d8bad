package io.changeviews.job.bootstrap;

import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.snapshot.SnapshotRecord;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends a snapshot's items on as decoded changes (and the items it could not decode as dead
 * letters), to join the change stream, and its segments' done records to a side output, for {@link
 * SnapshotProgress}.
 */
public final class SnapshotSplitter extends ProcessFunction<SnapshotRecord, DecodeResult> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<SnapshotRecord> segmentsDone;

    public SnapshotSplitter(OutputTag<SnapshotRecord> segmentsDone) {
        this.segmentsDone = segmentsDone;
    }

    @Override
    public void processElement(SnapshotRecord record, Context ctx, Collector<DecodeResult> out) {
        if (record.isItem()) {
            out.collect(DecodeResult.of(record.item()));
        } else if (record.isDeadLetter()) {
            out.collect(DecodeResult.failed(record.deadLetter()));
        } else {
            ctx.output(segmentsDone, record);
        }
    }
}
