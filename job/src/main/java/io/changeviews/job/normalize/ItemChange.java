package io.changeviews.job.normalize;

import io.changeviews.connectors.change.ChangeType;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
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

    /** Declared columns of the old image; null when the record has none. */
    public Row oldRow;

    /** Declared columns of the new image; null for REMOVE. */
    public Row newRow;

    public ItemChange() {}

    /** Flink's type for this class, with the image rows typed by the table's columns (no Kryo). */
    public static TypeInformation<ItemChange> typeInfo(TypeInformation<Row> imageType) {
        try {
            List<PojoField> fields = new ArrayList<>();
            fields.add(new PojoField(ItemChange.class.getField("itemKey"), Types.STRING));
            fields.add(
                    new PojoField(ItemChange.class.getField("type"), Types.ENUM(ChangeType.class)));
            fields.add(new PojoField(ItemChange.class.getField("changeTimeMicros"), Types.LONG));
            fields.add(new PojoField(ItemChange.class.getField("sequenceNumber"), Types.STRING));
            fields.add(new PojoField(ItemChange.class.getField("eventId"), Types.STRING));
            fields.add(new PojoField(ItemChange.class.getField("ttlDelete"), Types.BOOLEAN));
            fields.add(new PojoField(ItemChange.class.getField("oldRow"), imageType));
            fields.add(new PojoField(ItemChange.class.getField("newRow"), imageType));
            return new PojoTypeInfo<>(ItemChange.class, fields);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return type
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
