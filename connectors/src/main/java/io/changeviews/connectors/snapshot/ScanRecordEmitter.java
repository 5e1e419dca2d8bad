package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.change.ChangeEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;

/**
 * Emits scanned items as snapshot changes stamped with their page's request start minus the clock
 * margin, and a segment's end as a done record; the split's state moves with each item, so a
 * checkpoint between two items of a page resumes right after the first.
 */
final class ScanRecordEmitter
        implements RecordEmitter<ScannedItem, SnapshotRecord, ScanSegmentProgress> {
    private final long clockMarginMillis;
    private final Counter itemsRead;

    ScanRecordEmitter(long clockMarginMillis, Counter itemsRead) {
        this.clockMarginMillis = clockMarginMillis;
        this.itemsRead = itemsRead;
    }

    @Override
    public void emitRecord(
            ScannedItem scanned, SourceOutput<SnapshotRecord> output, ScanSegmentProgress state) {
        ScanSegmentSplit split = state.split;
        if (scanned.isEndOfSegment()) {
            output.collect(
                    SnapshotRecord.segmentDone(
                            split.table(),
                            split.segment(),
                            split.totalSegments(),
                            state.itemsRead));
            return;
        }
        output.collect(
                SnapshotRecord.item(
                        ChangeEvent.snapshotItem(
                                split.table(),
                                scanned.key,
                                scanned.item,
                                (scanned.pageStartMillis - clockMarginMillis) * 1000)));
        state.lastKey = scanned.key;
        state.itemsRead++;
        itemsRead.inc();
    }
}
