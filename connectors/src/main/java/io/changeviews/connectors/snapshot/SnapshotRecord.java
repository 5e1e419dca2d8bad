package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.change.ChangeEvent;
import java.io.Serializable;

/**
 * What a snapshot source emits: an item (a {@link ChangeEvent#snapshot() snapshot} change of its
 * item), or, after a segment's last item, that the segment is done and how many items it read.
 */
public final class SnapshotRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ChangeEvent item;
    private final String table;
    private final int segment;
    private final int totalSegments;
    private final long itemsRead;

    private SnapshotRecord(
            ChangeEvent item, String table, int segment, int totalSegments, long itemsRead) {
        this.item = item;
        this.table = table;
        this.segment = segment;
        this.totalSegments = totalSegments;
        this.itemsRead = itemsRead;
    }

    public static SnapshotRecord item(ChangeEvent item) {
        return new SnapshotRecord(item, item.tableName(), -1, -1, -1);
    }

    public static SnapshotRecord segmentDone(
            String table, int segment, int totalSegments, long itemsRead) {
        return new SnapshotRecord(null, table, segment, totalSegments, itemsRead);
    }

    public boolean isItem() {
        return item != null;
    }

    /** The item; null for a segment's end. */
    public ChangeEvent item() {
        return item;
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

    /** Items the finished segment read, counted in its checkpointed state: none twice. */
    public long itemsRead() {
        return itemsRead;
    }

    @Override
    public String toString() {
        return isItem()
                ? item.toString()
                : "segment " + segment + "/" + totalSegments + " of " + table + " done";
    }
}
