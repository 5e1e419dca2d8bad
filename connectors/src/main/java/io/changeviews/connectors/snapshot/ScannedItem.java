package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.ddb.DdbValue;
import java.util.Map;

/**
 * What the Scan fetcher hands to the emitter: an item with its key and its page's request start, or
 * the end of its segment.
 */
final class ScannedItem {
    static final ScannedItem END_OF_SEGMENT = new ScannedItem(null, null, 0);

    final Map<String, DdbValue> item;
    final Map<String, DdbValue> key;
    final long pageStartMillis;

    ScannedItem(Map<String, DdbValue> item, Map<String, DdbValue> key, long pageStartMillis) {
        this.item = item;
        this.key = key;
        this.pageStartMillis = pageStartMillis;
    }

    boolean isEndOfSegment() {
        return item == null;
    }
}
