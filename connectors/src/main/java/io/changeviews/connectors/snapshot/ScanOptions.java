package io.changeviews.connectors.snapshot;

import java.io.Serializable;

/** How one table's parallel Scan snapshot reads: segments, page size, consistency, capacity. */
public final class ScanOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String table;
    private final int totalSegments;
    private final int pageSize;
    private final boolean consistentRead;
    private final double readCapacityPerSecond;
    private final long clockMarginMillis;

    /**
     * @param table the DynamoDB table
     * @param totalSegments Scan's {@code TotalSegments}: the number of splits
     * @param pageSize Scan's {@code Limit}: items per request
     * @param consistentRead strongly consistent reads (twice the capacity of eventual ones)
     * @param readCapacityPerSecond the budget of the whole job, split evenly over the readers
     * @param clockMarginMillis how much earlier than its page's request an item is stamped
     */
    public ScanOptions(
            String table,
            int totalSegments,
            int pageSize,
            boolean consistentRead,
            double readCapacityPerSecond,
            long clockMarginMillis) {
        this.table = table;
        this.totalSegments = totalSegments;
        this.pageSize = pageSize;
        this.consistentRead = consistentRead;
        this.readCapacityPerSecond = readCapacityPerSecond;
        this.clockMarginMillis = clockMarginMillis;
    }

    public String table() {
        return table;
    }

    public int totalSegments() {
        return totalSegments;
    }

    public int pageSize() {
        return pageSize;
    }

    public boolean consistentRead() {
        return consistentRead;
    }

    public double readCapacityPerSecond() {
        return readCapacityPerSecond;
    }

    public long clockMarginMillis() {
        return clockMarginMillis;
    }
}
