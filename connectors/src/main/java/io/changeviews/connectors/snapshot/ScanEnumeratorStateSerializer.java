package io.changeviews.connectors.snapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Checkpoints the {@link ScanEnumeratorState}: its splits as the split serializer writes them. */
public final class ScanEnumeratorStateSerializer
        implements SimpleVersionedSerializer<ScanEnumeratorState> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ScanEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(state.unassigned().size());
        for (ScanSegmentSplit split : state.unassigned()) {
            ScanSegmentSplitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public ScanEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown scan enumerator state version " + version);
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int n = in.readInt();
        List<ScanSegmentSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            splits.add(ScanSegmentSplitSerializer.read(in));
        }
        return new ScanEnumeratorState(splits);
    }
}
