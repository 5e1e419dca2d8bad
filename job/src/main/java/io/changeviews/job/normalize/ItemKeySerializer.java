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
 * one piece ({@code writeUTF}). Flink's own string serializer hands a checkpoint stream one call
 * per character, and a heap snapshot writes every item's key and every pending timer's: most of
 * that snapshot's time. The encoding is modified UTF-8 (every char on its own), so any string, even
 * one with a lone surrogate, has exactly one form: RocksDB compares keys by their bytes.
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

    /**
     * {@code writeUTF} encodes the whole string before it writes, and hands a stream that one
     * array. A key is at most a few kilobytes (DynamoDB's key limits), far below its 65,535 bytes.
     */
    @Override
    public void serialize(String s, DataOutputView out) throws IOException {
        out.writeUTF(s);
    }

    @Override
    public String deserialize(DataInputView in) throws IOException {
        return in.readUTF();
    }

    @Override
    public String deserialize(String reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
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
