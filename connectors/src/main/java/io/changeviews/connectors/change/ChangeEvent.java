package io.changeviews.connectors.change;

import io.changeviews.connectors.ddb.DdbValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One DynamoDB item change, decoded from either wire format (Kinesis Data Streams for DynamoDB or
 * DynamoDB Streams).
 */
public final class ChangeEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String tableName;
    private final ChangeType type;
    private final Map<String, DdbValue> keys;
    private final Map<String, DdbValue> oldImage;
    private final Map<String, DdbValue> newImage;
    private final long changeTimeMicros;
    private final String eventId;
    private final String sequenceNumber;
    private final boolean ttlDelete;

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
        this.tableName = Objects.requireNonNull(tableName);
        this.type = Objects.requireNonNull(type);
        this.keys = copy(Objects.requireNonNull(keys));
        this.oldImage = copy(oldImage);
        this.newImage = copy(newImage);
        this.changeTimeMicros = changeTimeMicros;
        this.eventId = eventId;
        this.sequenceNumber = sequenceNumber;
        this.ttlDelete = ttlDelete;
    }

    /**
     * A plain mutable copy: Flink's Kryo fallback cannot rebuild immutable maps such as {@code
     * Map.of}.
     */
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
        return type
                + " "
                + tableName
                + " "
                + keys
                + " @"
                + changeTimeMicros
                + " #"
                + sequenceNumber;
    }
}
