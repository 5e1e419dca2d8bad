package io.changeviews.connectors.change;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** Writes a {@link DecodeResult}: its change event, or its dead letter's four texts. */
public final class DecodeResultSerializer extends ImmutableSerializer<DecodeResult> {
    private static final long serialVersionUID = 1L;

    static final DecodeResultSerializer INSTANCE = new DecodeResultSerializer();

    @Override
    public void serialize(DecodeResult r, DataOutputView out) throws IOException {
        out.writeBoolean(r.isDeadLetter());
        if (r.isDeadLetter()) {
            DeadLetter d = r.deadLetter();
            StringValue.writeString(d.source(), out);
            StringValue.writeString(d.position(), out);
            StringValue.writeString(d.reason(), out);
            StringValue.writeString(d.payload(), out);
        } else {
            ChangeEventSerializer.INSTANCE.serialize(r.event(), out);
        }
    }

    @Override
    public DecodeResult deserialize(DataInputView in) throws IOException {
        if (in.readBoolean()) {
            return DecodeResult.failed(
                    new DeadLetter(
                            StringValue.readString(in),
                            StringValue.readString(in),
                            StringValue.readString(in),
                            StringValue.readString(in)));
        }
        return DecodeResult.of(ChangeEventSerializer.INSTANCE.deserialize(in));
    }

    @Override
    public TypeSerializerSnapshot<DecodeResult> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from a checkpoint; it has no configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DecodeResult> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
