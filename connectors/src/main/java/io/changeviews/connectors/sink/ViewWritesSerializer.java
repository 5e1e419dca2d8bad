package io.changeviews.connectors.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Puts {@link ViewWrites} into checkpoints: per write its key, put or delete, and its attributes of
 * the types a view row becomes (S, N, B, BOOL; see {@link RowItemConverter}). Strings are stored as
 * length-prefixed UTF-8, since an item may be larger than {@code writeUTF} allows.
 */
public final class ViewWritesSerializer implements SimpleVersionedSerializer<ViewWrites> {
    private static final int VERSION = 1;
    private static final byte S = 1;
    private static final byte N = 2;
    private static final byte B = 3;
    private static final byte BOOL = 4;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ViewWrites committable) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(committable.writes().size());
        for (KeyedWrite write : committable.writes()) {
            writeString(out, write.key());
            out.writeBoolean(write.isDelete());
            out.writeInt(write.attributes().size());
            for (Map.Entry<String, AttributeValue> attribute : write.attributes().entrySet()) {
                writeString(out, attribute.getKey());
                writeValue(out, attribute.getKey(), attribute.getValue());
            }
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public ViewWrites deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of view writes");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int count = in.readInt();
        List<KeyedWrite> writes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = readString(in);
            boolean delete = in.readBoolean();
            int attributes = in.readInt();
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            for (int a = 0; a < attributes; a++) {
                String name = readString(in);
                item.put(name, readValue(in));
            }
            writes.add(new KeyedWrite(key, delete, item));
        }
        return new ViewWrites(writes);
    }

    private static void writeValue(DataOutputSerializer out, String name, AttributeValue v)
            throws IOException {
        if (v.s() != null) {
            out.writeByte(S);
            writeString(out, v.s());
        } else if (v.n() != null) {
            out.writeByte(N);
            writeString(out, v.n());
        } else if (v.b() != null) {
            out.writeByte(B);
            byte[] bytes = v.b().asByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        } else if (v.bool() != null) {
            out.writeByte(BOOL);
            out.writeBoolean(v.bool());
        } else {
            throw new IOException("Attribute " + name + " has a type a view row never has: " + v);
        }
    }

    private static AttributeValue readValue(DataInputDeserializer in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case S:
                return AttributeValue.fromS(readString(in));
            case N:
                return AttributeValue.fromN(readString(in));
            case B:
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return AttributeValue.fromB(SdkBytes.fromByteArray(bytes));
            case BOOL:
                return AttributeValue.fromBool(in.readBoolean());
            default:
                throw new IOException("Unknown attribute type " + type);
        }
    }

    private static void writeString(DataOutputSerializer out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputDeserializer in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
