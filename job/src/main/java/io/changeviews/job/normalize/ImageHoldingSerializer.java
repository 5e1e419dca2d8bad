package io.changeviews.job.normalize;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.Row;

/**
 * What the serializers of the normalizer's records with image rows ({@link ItemChange}, {@link
 * ItemState}) share: the table's row serializer for the images, and the parts of Flink's serializer
 * contract that do not depend on the record.
 */
abstract class ImageHoldingSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    final TypeSerializer<Row> imageSerializer;

    /** Where a record is written first when the target is no memory buffer; per instance. */
    private transient DataOutputSerializer staging;

    ImageHoldingSerializer(TypeSerializer<Row> imageSerializer) {
        this.imageSerializer = imageSerializer;
    }

    /** Writes the record's fields to {@code out}. */
    abstract void write(T record, DataOutputView out) throws IOException;

    /**
     * Writes the record in one piece: a heap snapshot's stream takes each of the many small writes
     * of a record (every character of its strings) as a call through several wrappers, while the
     * network and RocksDB already hand over a memory buffer.
     */
    @Override
    public final void serialize(T record, DataOutputView out) throws IOException {
        if (out instanceof DataOutputSerializer) {
            write(record, out);
            return;
        }
        if (staging == null) {
            staging = new DataOutputSerializer(256);
        }
        staging.clear();
        write(record, staging);
        out.write(staging.getSharedBuffer(), 0, staging.length());
    }

    /** The same serializer over another image serializer. */
    abstract ImageHoldingSerializer<T> withImages(TypeSerializer<Row> images);

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    /** A new instance every time: each has its own staging buffer. */
    @Override
    public final TypeSerializer<T> duplicate() {
        return withImages(imageSerializer.duplicate());
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public final boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && imageSerializer.equals(((ImageHoldingSerializer<?>) o).imageSerializer);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(getClass(), imageSerializer);
    }

    /**
     * A snapshot of such a serializer: its layout's version and the images' serializer. State
     * written in an older layout is refused with Flink's incompatible-serializer error instead of
     * being misread.
     */
    abstract static class Snapshot<T, S extends ImageHoldingSerializer<T>>
            extends CompositeTypeSerializerSnapshot<T, S> {
        /**
         * 2: sequence numbers packed, only the fields an item has written; 3: event ids as
         * fingerprints.
         */
        static final int VERSION = 3;

        /** The layout version this snapshot was read with, or the current one. */
        private int layoutVersion = VERSION;

        Snapshot() {}

        Snapshot(S serializer) {
            super(serializer);
        }

        @Override
        protected final int getCurrentOuterSnapshotVersion() {
            return VERSION;
        }

        @Override
        protected final void readOuterSnapshot(
                int readOuterSnapshotVersion, DataInputView in, ClassLoader userCodeClassLoader) {
            layoutVersion = readOuterSnapshotVersion;
        }

        @Override
        protected final OuterSchemaCompatibility resolveOuterSchemaCompatibility(
                TypeSerializerSnapshot<T> oldSnapshot) {
            return oldSnapshot instanceof Snapshot
                            && ((Snapshot<?, ?>) oldSnapshot).layoutVersion == VERSION
                    ? OuterSchemaCompatibility.COMPATIBLE_AS_IS
                    : OuterSchemaCompatibility.INCOMPATIBLE;
        }

        @Override
        protected final TypeSerializer<?>[] getNestedSerializers(S serializer) {
            return new TypeSerializer<?>[] {serializer.imageSerializer};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected final S createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return create((TypeSerializer<Row>) nested[0]);
        }

        abstract S create(TypeSerializer<Row> images);
    }
}
