package io.changeviews.connectors.change;

import io.changeviews.connectors.ddb.DdbValue;
import java.io.Serializable;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * One DynamoDB item change, decoded from either wire format (Kinesis Data Streams for DynamoDB or
 * DynamoDB Streams). Immutable, with its own Flink type, so chained operators pass it on uncopied.
 */
@TypeInfo(ChangeEvent.FlinkType.class)
public final class ChangeEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The sequence number of snapshot items: lower than any stream's. */
    public static final String SNAPSHOT_SEQUENCE_NUMBER = "0";

    private final String tableName;
    private final ChangeType type;
    private final Map<String, DdbValue> keys;
    private final Map<String, DdbValue> oldImage;
    private final Map<String, DdbValue> newImage;
    private final long changeTimeMicros;
    private final String eventId;
    private final String sequenceNumber;
    private final boolean ttlDelete;
    private final boolean snapshot;

    public ChangeEvent(
            String tableName,
            ChangeType type,
            Map<String, DdbValue> keys,
            Map<String, DdbValue> oldImage,
            Map<String, DdbValue> newImage,
            long changeTimeMicros,
            String eventId,
            String sequenceNumber,
            boolean ttlDelete) {
        this(
                tableName,
                type,
                copy(Objects.requireNonNull(keys)),
                copy(oldImage),
                copy(newImage),
                changeTimeMicros,
                eventId,
                sequenceNumber,
                ttlDelete,
                false);
    }

    /**
     * Takes the maps over: the decoder and the serializer in this package build them for this event
     * only, so copying them again (a tenth of the decoding thread's time) buys nothing.
     */
    ChangeEvent(
            String tableName,
            ChangeType type,
            Map<String, DdbValue> keys,
            Map<String, DdbValue> oldImage,
            Map<String, DdbValue> newImage,
            long changeTimeMicros,
            String eventId,
            String sequenceNumber,
            boolean ttlDelete,
            boolean snapshot) {
        this.tableName = Objects.requireNonNull(tableName);
        this.type = Objects.requireNonNull(type);
        this.keys = Objects.requireNonNull(keys);
        this.oldImage = oldImage;
        this.newImage = newImage;
        this.changeTimeMicros = changeTimeMicros;
        this.eventId = eventId;
        this.sequenceNumber = sequenceNumber;
        this.ttlDelete = ttlDelete;
        this.snapshot = snapshot;
    }

    /**
     * An item as a table snapshot read it: an INSERT of its image at the snapshot time, with {@link
     * #SNAPSHOT_SEQUENCE_NUMBER}, so that a stream change of the same time is taken as the newer
     * one; it has no event id (a snapshot reads each item once).
     */
    public static ChangeEvent snapshotItem(
            String tableName,
            Map<String, DdbValue> keys,
            Map<String, DdbValue> image,
            long snapshotTimeMicros) {
        return new ChangeEvent(
                tableName,
                ChangeType.INSERT,
                copy(Objects.requireNonNull(keys)),
                null,
                copy(image),
                snapshotTimeMicros,
                null,
                SNAPSHOT_SEQUENCE_NUMBER,
                false,
                true);
    }

    /** A copy of the caller's map, which it may go on changing; handed out only unmodifiable. */
    private static Map<String, DdbValue> copy(Map<String, DdbValue> m) {
        return m == null ? null : new LinkedHashMap<>(m);
    }

    public String tableName() {
        return tableName;
    }

    public ChangeType type() {
        return type;
    }

    public Map<String, DdbValue> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** The item before the change; absent for INSERT and on NEW_IMAGE-only streams. */
    public Map<String, DdbValue> oldImage() {
        return oldImage == null ? null : Collections.unmodifiableMap(oldImage);
    }

    /** The item after the change; absent for REMOVE. */
    public Map<String, DdbValue> newImage() {
        return newImage == null ? null : Collections.unmodifiableMap(newImage);
    }

    /** ApproximateCreationDateTime in epoch microseconds, whatever precision the source used. */
    public long changeTimeMicros() {
        return changeTimeMicros;
    }

    public long changeTimeMillis() {
        return Math.floorDiv(changeTimeMicros, 1000L);
    }

    public String eventId() {
        return eventId;
    }

    /** The source's ordering token: the Kinesis or DynamoDB Streams sequence number. */
    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** True for a delete made by DynamoDB's time-to-live process rather than by a user. */
    public boolean ttlDelete() {
        return ttlDelete;
    }

    /**
     * True for an item read by a table snapshot rather than a change of the stream: it sets the
     * item's state but is no change event (it is not in {@code <Table>_changes}).
     */
    public boolean snapshot() {
        return snapshot;
    }

    /**
     * The item's primary key as one string, stable across records: {@code name=value} parts sorted
     * by name.
     */
    public String itemKey() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, DdbValue> e : new TreeMap<>(keys).entrySet()) {
            parts.add(e.getKey() + "=" + e.getValue().toKeyString());
        }
        return CompositeKey.of(parts);
    }

    @Override
    public String toString() {
        return (snapshot ? "SNAPSHOT " : "")
                + type
                + " "
                + tableName
                + " "
                + keys
                + " @"
                + changeTimeMicros
                + " #"
                + sequenceNumber;
    }

    /** Flink's type of change events: {@link ChangeEventSerializer}. */
    public static final class FlinkType extends TypeInfoFactory<ChangeEvent> {
        @Override
        public TypeInformation<ChangeEvent> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new OwnSerializerTypeInfo<>(ChangeEvent.class, ChangeEventSerializer.INSTANCE);
        }
    }
}
