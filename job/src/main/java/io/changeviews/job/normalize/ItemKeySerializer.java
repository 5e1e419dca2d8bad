package io.changeviews.job.normalize;

import io.changeviews.connectors.change.OwnSerializerTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes the normalizer's key, an item's primary key as one string, as a length and its bytes in
 * one piece. Flink's own string serializer hands a checkpoint stream one call per character, and a
 * heap snapshot writes every item's key and every pending timer's: most of that snapshot's time.
 * The encoding is modified UTF-8 (every char on its own), so any string, even one with a lone
 * surrogate, has exactly one form: RocksDB compares keys by their bytes.
 */
public final class ItemKeySerializer extends TypeSerializerSingleton<String> {
    private static final long serialVersionUID = 1L;

    public static final ItemKeySerializer INSTANCE = new ItemKeySerializer();

    /** The type of the normalizer's key. */
    public static final TypeInformation<String> TYPE =
            new OwnSerializerTypeInfo<>(String.class, INSTANCE);

    private ItemKeySerializer() {}

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public String createInstance() {
        return "";
    }

    @Override
    public String copy(String from) {
        return from;
    }

    @Override
    public String copy(String from, String reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(String s, DataOutputView out) throws IOException {
        int n = s.length();
        int length = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            length += c != 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        byte[] bytes = new byte[varIntLength(length) + length];
        int at = writeVarInt(length, bytes);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != 0 && c < 0x80) {
                bytes[at++] = (byte) c;
            } else if (c < 0x800) {
                bytes[at++] = (byte) (0xC0 | c >> 6);
                bytes[at++] = (byte) (0x80 | c & 0x3F);
            } else {
                bytes[at++] = (byte) (0xE0 | c >> 12);
                bytes[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        out.write(bytes);
    }

    @Override
    public String deserialize(DataInputView in) throws IOException {
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            if (b < 0x80) {
                break;
            }
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        char[] chars = new char[length];
        int n = 0;
        for (int i = 0; i < length; ) {
            int b = bytes[i++] & 0xFF;
            if (b < 0x80) {
                chars[n++] = (char) b;
            } else if (b < 0xE0) {
                chars[n++] = (char) ((b & 0x1F) << 6 | bytes[i++] & 0x3F);
            } else {
                chars[n++] =
                        (char) ((b & 0x0F) << 12 | (bytes[i++] & 0x3F) << 6 | bytes[i++] & 0x3F);
            }
        }
        return new String(chars, 0, n);
    }

    @Override
    public String deserialize(String reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private static int varIntLength(int v) {
        int bytes = 1;
        while ((v >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    private static int writeVarInt(int v, byte[] to) {
        int at = 0;
        while (v >= 0x80) {
            to[at++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        to[at++] = (byte) v;
        return at;
    }

    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from a checkpoint. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<String> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
