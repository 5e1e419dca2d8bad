package io.changeviews.connectors.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.InvalidAttributeException;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Checkpoints a {@link ScanSegmentSplit}; the last key is kept as DynamoDB JSON. */
public final class ScanSegmentSplitSerializer
        implements SimpleVersionedSerializer<ScanSegmentSplit> {
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ScanSegmentSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public ScanSegmentSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown scan split version " + version);
        }
        return read(new DataInputDeserializer(serialized));
    }

    static void write(ScanSegmentSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.table());
        out.writeInt(split.segment());
        out.writeInt(split.totalSegments());
        out.writeLong(split.itemsRead());
        out.writeBoolean(split.lastKey() != null);
        if (split.lastKey() != null) {
            byte[] key = AttributeCodec.toJsonText(split.lastKey()).getBytes("UTF-8");
            out.writeInt(key.length);
            out.write(key);
        }
    }

    static ScanSegmentSplit read(DataInputView in) throws IOException {
        String table = in.readUTF();
        int segment = in.readInt();
        int total = in.readInt();
        long itemsRead = in.readLong();
        if (!in.readBoolean()) {
            return new ScanSegmentSplit(table, segment, total, null, itemsRead);
        }
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        try {
            return new ScanSegmentSplit(
                    table,
                    segment,
                    total,
                    AttributeCodec.itemFromJson(JSON.readTree(key), ""),
                    itemsRead);
        } catch (InvalidAttributeException e) {
            throw new IOException("unreadable last key of scan split " + table + "/" + segment, e);
        }
    }
}
