package io.changeviews.job.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;

/** The normalizer's key serializer: any string round-trips, in one write, with one form. */
class ItemKeySerializerTest {
    private static String roundTrip(String s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        ItemKeySerializer.INSTANCE.serialize(s, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        String back = ItemKeySerializer.INSTANCE.deserialize(in);
        assertThat(in.available()).as("all bytes read").isZero();
        return back;
    }

    @Test
    void everyStringRoundTrips() throws IOException {
        List<String> keys = new ArrayList<>();
        keys.add("");
        keys.add("5:id=o1;order_date=2026-11-29T10:00:00Z");
        keys.add("with\u0000nul");
        keys.add("ünïcødé €uro 日本 \uD83D\uDE00");
        keys.add("lone \uD800 surrogate \uDC00");
        keys.add("x".repeat(300));
        keys.add("é".repeat(20_000));
        for (String key : keys) {
            assertThat(roundTrip(key)).isEqualTo(key);
        }
    }

    @Test
    void aKeyIsOneWriteOnAStream() throws IOException {
        int[] writes = {0};
        DataOutputViewStreamWrapper stream =
                new DataOutputViewStreamWrapper(
                        new ByteArrayOutputStream() {
                            @Override
                            public synchronized void write(byte[] b, int off, int len) {
                                writes[0]++;
                                super.write(b, off, len);
                            }

                            @Override
                            public synchronized void write(int b) {
                                writes[0]++;
                                super.write(b);
                            }
                        });
        ItemKeySerializer.INSTANCE.serialize("5:id=o1;order_date=2026-11-29", stream);
        assertThat(writes[0]).isEqualTo(1);
    }

    @Test
    void restoresFromItsSnapshot() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                out, ItemKeySerializer.INSTANCE.snapshotConfiguration());
        TypeSerializerSnapshot<String> snapshot =
                TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(snapshot.restoreSerializer()).isSameAs(ItemKeySerializer.INSTANCE);
    }
}
