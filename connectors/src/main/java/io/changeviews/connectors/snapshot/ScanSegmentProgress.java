package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.ddb.DdbValue;
import java.util.Map;

/** A split's mutable state in the reader: moved on by the emitter, item by item. */
final class ScanSegmentProgress {
    final ScanSegmentSplit split;
    Map<String, DdbValue> lastKey;
    long itemsRead;

    ScanSegmentProgress(ScanSegmentSplit split) {
        this.split = split;
        this.lastKey = split.lastKey();
        this.itemsRead = split.itemsRead();
    }

    ScanSegmentSplit toSplit() {
        return new ScanSegmentSplit(
                split.table(), split.segment(), split.totalSegments(), lastKey, itemsRead);
    }
}
