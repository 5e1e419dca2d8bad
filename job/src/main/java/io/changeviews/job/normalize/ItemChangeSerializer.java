package io.changeviews.job.normalize;

import io.changeviews.connectors.change.ChangeType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.Row;

/**
 * Writes an {@link ItemChange} field by field, its images with the table's row serializer: unlike
 * Flink's POJO serializer it builds no empty images for every record it reads.
 */
public final class ItemChangeSerializer extends ImageHoldingSerializer<ItemChange> {
    private static final long serialVersionUID = 1L;

    private static final ChangeType[] TYPES = ChangeType.values();

    private static final int HAS_SEQUENCE_NUMBER = 1;
    private static final int HAS_EVENT_ID = 2;
    private static final int TTL_DELETE = 4;
    private static final int SNAPSHOT = 8;
    private static final int HAS_OLD_ROW = 16;
    private static final int HAS_NEW_ROW = 32;

    ItemChangeSerializer(TypeSerializer<Row> imageSerializer) {
        super(imageSerializer);
    }

    @Override
    ItemChangeSerializer withImages(TypeSerializer<Row> images) {
        return new ItemChangeSerializer(images);
    }

    @Override
    public ItemChange createInstance() {
        return new ItemChange();
    }

    @Override
    public ItemChange copy(ItemChange from) {
        ItemChange to = new ItemChange();
        to.itemKey = from.itemKey;
        to.type = from.type;
        to.changeTimeMicros = from.changeTimeMicros;
        to.sequenceNumber = from.sequenceNumber;
        to.eventId = from.eventId;
        to.ttlDelete = from.ttlDelete;
        to.snapshot = from.snapshot;
        to.oldRow = from.oldRow == null ? null : imageSerializer.copy(from.oldRow);
        to.newRow = from.newRow == null ? null : imageSerializer.copy(from.newRow);
        return to;
    }

    @Override
    void write(ItemChange c, DataOutputView out) throws IOException {
        int flags =
                (c.sequenceNumber != null ? HAS_SEQUENCE_NUMBER : 0)
                        | (c.eventId != null ? HAS_EVENT_ID : 0)
                        | (c.ttlDelete ? TTL_DELETE : 0)
                        | (c.snapshot ? SNAPSHOT : 0)
                        | (c.oldRow != null ? HAS_OLD_ROW : 0)
                        | (c.newRow != null ? HAS_NEW_ROW : 0);
        out.writeByte(flags);
        out.writeByte(c.type.ordinal());
        out.writeUTF(c.itemKey);
        out.writeLong(c.changeTimeMicros);
        if (c.sequenceNumber != null) {
            PackedDigits.write(c.sequenceNumber, out);
        }
        if (c.eventId != null) {
            out.writeUTF(c.eventId);
        }
        if (c.oldRow != null) {
            imageSerializer.serialize(c.oldRow, out);
        }
        if (c.newRow != null) {
            imageSerializer.serialize(c.newRow, out);
        }
    }

    @Override
    public ItemChange deserialize(DataInputView in) throws IOException {
        int flags = in.readByte();
        ItemChange c = new ItemChange();
        c.type = TYPES[in.readByte()];
        c.itemKey = in.readUTF();
        c.changeTimeMicros = in.readLong();
        c.sequenceNumber = (flags & HAS_SEQUENCE_NUMBER) != 0 ? PackedDigits.read(in) : null;
        c.eventId = (flags & HAS_EVENT_ID) != 0 ? in.readUTF() : null;
        c.ttlDelete = (flags & TTL_DELETE) != 0;
        c.snapshot = (flags & SNAPSHOT) != 0;
        c.oldRow = (flags & HAS_OLD_ROW) != 0 ? imageSerializer.deserialize(in) : null;
        c.newRow = (flags & HAS_NEW_ROW) != 0 ? imageSerializer.deserialize(in) : null;
        return c;
    }

    @Override
    public TypeSerializerSnapshot<ItemChange> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** Restores the serializer from a checkpoint. */
    public static final class Snapshot
            extends ImageHoldingSerializer.Snapshot<ItemChange, ItemChangeSerializer> {
        /** For reading a snapshot back. */
        public Snapshot() {}

        Snapshot(ItemChangeSerializer serializer) {
            super(serializer);
        }

        @Override
        ItemChangeSerializer create(TypeSerializer<Row> images) {
            return new ItemChangeSerializer(images);
        }
    }
}
