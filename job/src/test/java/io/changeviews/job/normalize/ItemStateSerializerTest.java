package io.changeviews.job.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/**
 * The normalizer's state serializer: every field round-trips, copies are deep, snapshots restore.
 */
class ItemStateSerializerTest {
    private static final TypeSerializer<Row> IMAGE =
            TableTypes.typeInfo(
                            DataTypes.ROW(
                                    DataTypes.FIELD("item", DataTypes.STRING()),
                                    DataTypes.FIELD("qty", DataTypes.DECIMAL(10, 0))))
                    .createSerializer(new ExecutionConfig());

    private static ItemState live() {
        ItemState s = new ItemState();
        s.noteDelivery(1_000_000L, id("e2"), true);
        s.apply(1_000_000L, "0042", Row.of("itemA", BigDecimal.TEN));
        s.noteDelivery(1_000_000L, id("e0"), false);
        s.seenEventIds.put(id("e1"), 5_000L);
        s.seenEventIds.put(id("e2"), 6_000L);
        s.cleanupAt = 5_000L;
        return s;
    }

    private static Long id(String eventId) {
        return ItemState.fingerprint(eventId);
    }

    private static ItemState roundTrip(TypeSerializer<ItemState> serializer, ItemState s)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(s, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void writesEveryFieldOfALiveItemAndOfATombstone() throws Exception {
        ItemStateSerializer serializer = new ItemStateSerializer(IMAGE);
        ItemState back = roundTrip(serializer, live());
        assertThat(back.image).isEqualTo(Row.of("itemA", BigDecimal.TEN));
        assertThat(back.applied).isTrue();
        assertThat(back.deleted).isFalse();
        assertThat(back.changeTimeMicros).isEqualTo(1_000_000L);
        assertThat(back.sequenceNumber).isEqualTo("0042");
        assertThat(back.seenEventIds)
                .containsExactly(Map.entry(id("e1"), 5_000L), Map.entry(id("e2"), 6_000L));
        assertThat(back.tiedEventIds).containsExactly(id("e2"), id("e0"));
        assertThat(back.cleanupAt).isEqualTo(5_000L);

        ItemState tombstone = new ItemState();
        tombstone.delete(2_000_000L, "43", 9_000L);
        ItemState dead = roundTrip(serializer, tombstone);
        assertThat(dead.image).isNull();
        assertThat(dead.deleted).isTrue();
        assertThat(dead.tombstoneExpiresAt).isEqualTo(9_000L);
        assertThat(dead.seenEventIds).isEmpty();
        assertThat(dead.cleanupAt).isEqualTo(ItemState.NO_TIMER);
    }

    @Test
    void onAStreamAnItemIsWrittenInOnePieceByEachDuplicate() throws Exception {
        ItemStateSerializer serializer = new ItemStateSerializer(IMAGE);
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
        List<Integer> writes = new ArrayList<>();
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream() {
                    @Override
                    public synchronized void write(byte[] b, int off, int len) {
                        writes.add(len);
                        super.write(b, off, len);
                    }

                    @Override
                    public synchronized void write(int b) {
                        writes.add(1);
                        super.write(b);
                    }
                };
        serializer.serialize(live(), new DataOutputViewStreamWrapper(bytes));
        serializer.serialize(live(), new DataOutputViewStreamWrapper(bytes));
        assertThat(writes).hasSize(2);
        DataInputDeserializer in = new DataInputDeserializer(bytes.toByteArray());
        for (int i = 0; i < 2; i++) {
            ItemState back = serializer.deserialize(in);
            assertThat(back.image).isEqualTo(Row.of("itemA", BigDecimal.TEN));
            assertThat(back.tiedEventIds).containsExactly(id("e2"), id("e0"));
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void eventIdsThatDifferInOneCharacterHaveFingerprintsThatDifferInManyBits() {
        assertThat(Long.bitCount(id("e-00000001") ^ id("e-00000002"))).isGreaterThan(16);
        assertThat(id("4b7e0f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"))
                .isEqualTo(id("4b7e0f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"))
                .isNotEqualTo(id("4b7e0f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5c"));
    }

    @Test
    void aCopyIsIndependentOfTheOriginal() {
        ItemState original = live();
        ItemState copy = new ItemStateSerializer(IMAGE).copy(original);
        original.seenEventIds.put(id("e3"), 7_000L);
        original.image.setField(1, BigDecimal.ONE);
        assertThat(copy.seenEventIds).hasSize(2);
        assertThat(copy.image.getField(1)).isEqualTo(BigDecimal.TEN);
    }

    @Test
    void restoresFromItsSnapshotAndReadsWhatTheOriginalWrote() throws Exception {
        ItemStateSerializer serializer = new ItemStateSerializer(IMAGE);
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<ItemState> snapshot =
                TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(snapshot)
                                .isCompatibleAsIs())
                .isTrue();
        TypeSerializer<ItemState> restored = snapshot.restoreSerializer();
        assertThat(restored).isEqualTo(serializer);
        assertThat(roundTrip(restored, live()).seenEventIds).containsKeys(id("e1"), id("e2"));
    }

    @Test
    void stateInTheEarlierLayoutIsRefusedNotMisread() throws Exception {
        ItemStateSerializer serializer = new ItemStateSerializer(IMAGE);
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                out, serializer.snapshotConfiguration());
        byte[] bytes = out.getCopyOfBuffer();
        // The outer layout version follows Flink's composite-snapshot magic number.
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int at = 0;
        while (buffer.getInt(at) != 911108) {
            at++;
        }
        assertThat(buffer.getInt(at + 4)).isEqualTo(ImageHoldingSerializer.Snapshot.VERSION);
        buffer.putInt(at + 4, 1);
        TypeSerializerSnapshot<ItemState> earlier =
                TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        new DataInputDeserializer(bytes), getClass().getClassLoader());
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(earlier)
                                .isIncompatible())
                .isTrue();
    }
}
