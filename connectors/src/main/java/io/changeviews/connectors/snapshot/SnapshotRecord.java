package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DeadLetter;
import java.io.Serializable;

/**
 * What a snapshot source emits: an item (a {@link ChangeEvent#snapshot() snapshot} change of its
 * item), an item it could not decode (a dead letter), or, after a segment's last item, that the
 * segment is done and how many items it read.
 */
public final class SnapshotRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ChangeEvent item;
    private final DeadLetter deadLetter;
    private final String table;
    private final int segment;
    private final int totalSegments;
    private final long itemsRead;

    private SnapshotRecord(
            ChangeEvent item,
            DeadLetter deadLetter,
            String table,
            int segment,
            int totalSegments,
            long itemsRead) {
        this.item = item;
        this.deadLetter = deadLetter;
        this.table = table;
        this.segment = segment;
        this.totalSegments = totalSegments;
        this.itemsRead = itemsRead;
    }

    public static SnapshotRecord item(ChangeEvent item) {
        return new SnapshotRecord(item, null, item.tableName(), -1, -1, -1);
    }

    /** An item of {@code table} that could not be decoded; it counts as read. */
    public static SnapshotRecord deadLetter(String table, DeadLetter deadLetter) {
        return new SnapshotRecord(null, deadLetter, table, -1, -1, -1);
    }

    public static SnapshotRecord segmentDone(
            String table, int segment, int totalSegments, long itemsRead) {
        return new SnapshotRecord(null, null, table, segment, totalSegments, itemsRead);
    }

    public boolean isItem() {
        return item != null;
    }

    /** True for an item that could not be decoded. */
    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    /** The item; null for a dead letter or a segment's end. */
    public ChangeEvent item() {
        return item;
    }

    /** Why an item could not be decoded, with its raw text; null otherwise. */
    public DeadLetter deadLetter() {
        return deadLetter;
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
        if (isDeadLetter()) {
            return deadLetter.toString();
        }
        return isItem()
                ? item.toString()
                : "segment " + segment + "/" + totalSegments + " of " + table + " done";
    }
}
