package io.changeviews.job.normalize;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.OwnSerializerTypeInfo;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.types.Row;

/**
 * A change of one item of one source table, with its images projected to the table's declared
 * columns: what the normalizer orders and deduplicates.
 */
public class ItemChange {
    /** The item's primary key as one string. */
    public String itemKey;

    public ChangeType type;
    public long changeTimeMicros;

    /** The source's sequence number: breaks ties between equal change times. */
    public String sequenceNumber;

    /** Identifies the change across duplicate deliveries; may be null. */
    public String eventId;

    public boolean ttlDelete;

    /** An item read by a table snapshot: it sets the item's state but is no change event. */
    public boolean snapshot;

    /** Declared columns of the old image; null when the record has none. */
    public Row oldRow;

    /** Declared columns of the new image; null for REMOVE. */
    public Row newRow;

    public ItemChange() {}

    /** Flink's type for this class, with the images typed by the table's columns (no Kryo). */
    public static TypeInformation<ItemChange> typeInfo(TypeInformation<Row> imageType) {
        return new OwnSerializerTypeInfo<>(
                ItemChange.class,
                new ItemChangeSerializer(imageType.createSerializer(new ExecutionConfig())));
    }

    @Override
    public String toString() {
        return (snapshot ? "SNAPSHOT " : "")
                + type
                + " "
                + itemKey
                + " @"
                + changeTimeMicros
                + " #"
                + sequenceNumber
                + " old="
                + oldRow
                + " new="
                + newRow;
    }
}
