package io.changeviews.job.normalize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.Row;

/** Writes an {@link ItemState} field by field, its image with the table's row serializer. */
public final class ItemStateSerializer extends ImageHoldingSerializer<ItemState> {
    private static final long serialVersionUID = 1L;

    private static final int HAS_IMAGE = 1;
    private static final int APPLIED = 2;
    private static final int DELETED = 4;
    private static final int HAS_SEQUENCE_NUMBER = 8;
    private static final int HAS_TIMER = 16;
    private static final int HAS_TIED_IDS = 32;
    private static final int HAS_SEEN_IDS = 64;

    ItemStateSerializer(TypeSerializer<Row> imageSerializer) {
        super(imageSerializer);
    }

    @Override
    ItemStateSerializer withImages(TypeSerializer<Row> images) {
        return new ItemStateSerializer(images);
    }

    @Override
    public ItemState createInstance() {
        return new ItemState();
    }

    @Override
    public ItemState copy(ItemState from) {
        ItemState to =
                new ItemState(
                        new ArrayList<>(from.tiedEventIds), new LinkedHashMap<>(from.seenEventIds));
        to.image = from.image == null ? null : imageSerializer.copy(from.image);
        to.applied = from.applied;
        to.changeTimeMicros = from.changeTimeMicros;
        to.sequenceNumber = from.sequenceNumber;
        to.deleted = from.deleted;
        to.tombstoneExpiresAt = from.tombstoneExpiresAt;
        to.cleanupAt = from.cleanupAt;
        return to;
    }

    /**
     * Only what is set is written (a live item has no tombstone expiry, and unless a view reads its
     * table's changes no timer and no retained event ids), so that the state RocksDB reads and
     * writes per change stays small.
     */
    @Override
    void write(ItemState s, DataOutputView out) throws IOException {
        int flags =
                (s.image != null ? HAS_IMAGE : 0)
                        | (s.applied ? APPLIED : 0)
                        | (s.deleted ? DELETED : 0)
                        | (s.sequenceNumber != null ? HAS_SEQUENCE_NUMBER : 0)
                        | (s.cleanupAt != ItemState.NO_TIMER ? HAS_TIMER : 0)
                        | (!s.tiedEventIds.isEmpty() ? HAS_TIED_IDS : 0)
                        | (!s.seenEventIds.isEmpty() ? HAS_SEEN_IDS : 0);
        out.writeByte(flags);
        if (s.image != null) {
            imageSerializer.serialize(s.image, out);
        }
        out.writeLong(s.changeTimeMicros);
        if (s.sequenceNumber != null) {
            PackedDigits.write(s.sequenceNumber, out);
        }
        if (s.deleted) {
            out.writeLong(s.tombstoneExpiresAt);
        }
        if (s.cleanupAt != ItemState.NO_TIMER) {
            out.writeLong(s.cleanupAt);
        }
        if (!s.tiedEventIds.isEmpty()) {
            out.writeInt(s.tiedEventIds.size());
            for (long id : s.tiedEventIds) {
                out.writeLong(id);
            }
        }
        if (!s.seenEventIds.isEmpty()) {
            out.writeInt(s.seenEventIds.size());
            for (Map.Entry<Long, Long> e : s.seenEventIds.entrySet()) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue());
            }
        }
    }

    @Override
    public ItemState deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        Row image = (flags & HAS_IMAGE) != 0 ? imageSerializer.deserialize(in) : null;
        long changeTimeMicros = in.readLong();
        String sequenceNumber = (flags & HAS_SEQUENCE_NUMBER) != 0 ? PackedDigits.read(in) : null;
        long tombstoneExpiresAt = (flags & DELETED) != 0 ? in.readLong() : 0;
        long cleanupAt = (flags & HAS_TIMER) != 0 ? in.readLong() : ItemState.NO_TIMER;
        int tiedIds = (flags & HAS_TIED_IDS) != 0 ? in.readInt() : 0;
        ArrayList<Long> tied = new ArrayList<>(Math.max(2, tiedIds));
        for (int i = 0; i < tiedIds; i++) {
            tied.add(in.readLong());
        }
        int ids = (flags & HAS_SEEN_IDS) != 0 ? in.readInt() : 0;
        LinkedHashMap<Long, Long> seen = new LinkedHashMap<>(Math.max(16, ids * 2));
        for (int i = 0; i < ids; i++) {
            seen.put(in.readLong(), in.readLong());
        }
        ItemState s = new ItemState(tied, seen);
        s.image = image;
        s.applied = (flags & APPLIED) != 0;
        s.deleted = (flags & DELETED) != 0;
        s.changeTimeMicros = changeTimeMicros;
        s.sequenceNumber = sequenceNumber;
        s.tombstoneExpiresAt = tombstoneExpiresAt;
        s.cleanupAt = cleanupAt;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<ItemState> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** Restores the serializer from a checkpoint. */
    public static final class Snapshot
            extends ImageHoldingSerializer.Snapshot<ItemState, ItemStateSerializer> {
        /** For reading a snapshot back. */
        public Snapshot() {}

        Snapshot(ItemStateSerializer serializer) {
            super(serializer);
        }

        @Override
        ItemStateSerializer create(TypeSerializer<Row> images) {
            return new ItemStateSerializer(images);
        }
    }
}
