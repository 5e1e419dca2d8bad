package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.ddb.DdbValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One Scan segment of a table, and how far it was read: the key of the last item emitted (Scan's
 * {@code ExclusiveStartKey} to go on from, null before the first page) and how many items that was.
 * A restored split goes on right after that item, so none is read twice or skipped.
 */
public final class ScanSegmentSplit implements SourceSplit {
    private final String table;
    private final int segment;
    private final int totalSegments;
    private final Map<String, DdbValue> lastKey;
    private final long itemsRead;

    public ScanSegmentSplit(
            String table,
            int segment,
            int totalSegments,
            Map<String, DdbValue> lastKey,
            long itemsRead) {
        this.table = table;
        this.segment = segment;
        this.totalSegments = totalSegments;
        this.lastKey = lastKey == null ? null : new LinkedHashMap<>(lastKey);
        this.itemsRead = itemsRead;
    }

    @Override
    public String splitId() {
        return table + "/" + segment + "-of-" + totalSegments;
    }

    public String table() {
        return table;
    }

    public int segment() {
        return segment;
    }

    public int totalSegments() {
        return totalSegments;
    }

    /** The key of the last item emitted; null when nothing was read yet. */
    public Map<String, DdbValue> lastKey() {
        return lastKey == null ? null : Collections.unmodifiableMap(lastKey);
    }

    public long itemsRead() {
        return itemsRead;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScanSegmentSplit)) {
            return false;
        }
        ScanSegmentSplit s = (ScanSegmentSplit) o;
        return splitId().equals(s.splitId())
                && itemsRead == s.itemsRead
                && java.util.Objects.equals(lastKey, s.lastKey);
    }

    @Override
    public int hashCode() {
        return splitId().hashCode();
    }

    @Override
    public String toString() {
        return splitId() + " after " + itemsRead + " items, last " + lastKey;
    }
}
