package io.changeviews.job.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeType;
import java.math.BigDecimal;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** The projected changes' serializer: every field and absence round-trips, copies are deep. */
class ItemChangeSerializerTest {
    private static final TypeSerializer<ItemChange> SERIALIZER =
            ItemChange.typeInfo(
                            TableTypes.typeInfo(
                                    DataTypes.ROW(
                                            DataTypes.FIELD("item", DataTypes.STRING()),
                                            DataTypes.FIELD("qty", DataTypes.DECIMAL(10, 2)))))
                    .createSerializer(new ExecutionConfig());

    private static ItemChange modify() {
        ItemChange c = new ItemChange();
        c.itemKey = "5:id=o1";
        c.type = ChangeType.MODIFY;
        c.changeTimeMicros = 1_763_805_600_123_456L;
        c.sequenceNumber = "4900000000000000000001";
        c.eventId = "e-1";
        c.oldRow = Row.of("itemA", new BigDecimal("1.50"));
        c.newRow = Row.of(null, new BigDecimal("2.00"));
        return c;
    }

    private static ItemChange roundTrip(TypeSerializer<ItemChange> serializer, ItemChange c)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(c, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void writesEveryFieldAndEveryAbsence() throws Exception {
        ItemChange back = roundTrip(SERIALIZER, modify());
        assertThat(back.toString()).isEqualTo(modify().toString());
        assertThat(back.eventId).isEqualTo("e-1");
        assertThat(back.ttlDelete).isFalse();
        assertThat(back.newRow.getField(0)).isNull();
        assertThat(back.newRow.getField(1)).isEqualTo(new BigDecimal("2.00"));

        ItemChange snapshotItem = new ItemChange();
        snapshotItem.itemKey = "5:id=o2";
        snapshotItem.type = ChangeType.INSERT;
        snapshotItem.snapshot = true;
        snapshotItem.newRow = Row.of("itemB", BigDecimal.ONE);
        ItemChange item = roundTrip(SERIALIZER, snapshotItem);
        assertThat(item.snapshot).isTrue();
        assertThat(item.sequenceNumber).isNull();
        assertThat(item.eventId).isNull();
        assertThat(item.oldRow).isNull();

        ItemChange ttl = new ItemChange();
        ttl.itemKey = "5:id=o3";
        ttl.type = ChangeType.REMOVE;
        ttl.ttlDelete = true;
        ttl.sequenceNumber = "7";
        ItemChange removed = roundTrip(SERIALIZER, ttl);
        assertThat(removed.type).isEqualTo(ChangeType.REMOVE);
        assertThat(removed.ttlDelete).isTrue();
        assertThat(removed.newRow).isNull();
    }

    @Test
    void aCopyIsIndependentOfTheOriginal() {
        ItemChange original = modify();
        ItemChange copy = SERIALIZER.copy(original);
        original.oldRow.setField(1, BigDecimal.TEN);
        assertThat(copy.oldRow.getField(1)).isEqualTo(new BigDecimal("1.50"));
        assertThat(copy.toString()).isEqualTo(modify().toString());
    }

    @Test
    void restoresFromItsSnapshot() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                out, SERIALIZER.snapshotConfiguration());
        TypeSerializerSnapshot<ItemChange> snapshot =
                TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        TypeSerializer<ItemChange> restored = snapshot.restoreSerializer();
        assertThat(restored).isEqualTo(SERIALIZER);
        assertThat(roundTrip(restored, modify()).toString()).isEqualTo(modify().toString());
    }
}
