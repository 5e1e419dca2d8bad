package io.changeviews.job.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.job.HarnessRecords;
import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.SourceTableSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangelogNormalizerTest {
    private static final SourceTableSpec TABLE =
            new SourceTableSpec(
                    "Orders",
                    "Orders",
                    Arrays.asList(
                            new ColumnSpec(
                                    "item",
                                    VarCharType.STRING_TYPE,
                                    Collections.singletonList("item")),
                            new ColumnSpec(
                                    "qty",
                                    new DecimalType(10, 0),
                                    Collections.singletonList("qty"))));
    private static final OutputTag<Row> CHANGES =
            new OutputTag<>("changes", TableTypes.typeInfo(TableTypes.changes(TABLE)));
    private static final Duration DEDUPE = Duration.ofMinutes(10);
    private static final Duration TOMBSTONE = Duration.ofHours(1);

    private KeyedOneInputStreamOperatorTestHarness<String, ItemChange, Row> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(true);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ItemChange, Row> harness(
            boolean retractTtl) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ItemChange, Row> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new ChangelogNormalizer(
                                        TABLE, CHANGES, DEDUPE, TOMBSTONE, retractTtl)),
                        c -> c.itemKey,
                        Types.STRING);
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ItemChange change(
            String key,
            ChangeType type,
            long timeMillis,
            String seq,
            String eventId,
            Row oldRow,
            Row newRow) {
        ItemChange c = new ItemChange();
        c.itemKey = key;
        c.type = type;
        c.changeTimeMicros = timeMillis * 1000;
        c.sequenceNumber = seq;
        c.eventId = eventId;
        c.oldRow = oldRow;
        c.newRow = newRow;
        return c;
    }

    private static Row image(String item, long qty) {
        return Row.of(item, BigDecimal.valueOf(qty));
    }

    private static Row state(RowKind kind, String item, long qty, long timeMillis) {
        Row r = Row.of(item, BigDecimal.valueOf(qty), Instant.ofEpochMilli(timeMillis));
        r.setKind(kind);
        return r;
    }

    private void send(ItemChange c) throws Exception {
        harness.processElement(new StreamRecord<>(c, c.changeTimeMicros / 1000));
    }

    private List<String> drainChanges() {
        List<String> out = new ArrayList<>();
        ConcurrentLinkedQueue<StreamRecord<Row>> side = harness.getSideOutput(CHANGES);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue().getField(2) + " " + r.getValue().getField(0)));
            side.clear();
        }
        return out;
    }

    private static ItemChange snapshotItem(String key, long timeMillis, Row image) {
        ItemChange c =
                change(
                        key,
                        ChangeType.INSERT,
                        timeMillis,
                        ChangeEvent.SNAPSHOT_SEQUENCE_NUMBER,
                        null,
                        null,
                        image);
        c.snapshot = true;
        return c;
    }

    @Test
    void aSnapshotItemIsStateButNoChangeAndTheStreamHandsOffByChangeTime() throws Exception {
        send(snapshotItem("only", 5000, image("itemA", 1)));
        // A change newer than the snapshot replaces it, even at the same time.
        send(snapshotItem("newer", 5000, image("itemA", 2)));
        send(change("newer", ChangeType.MODIFY, 5000, "9", "e1", null, image("itemA", 3)));
        // One older than the snapshot (which already reflects it) is stale.
        send(snapshotItem("older", 5000, image("itemA", 5)));
        send(change("older", ChangeType.MODIFY, 4000, "8", "e2", null, image("itemA", 4)));
        // A delete after the scan retracts; one before it finds the item absent.
        send(snapshotItem("deleted", 5000, image("itemA", 6)));
        send(change("deleted", ChangeType.REMOVE, 6000, "7", "e3", image("itemA", 6), null));
        send(change("gone", ChangeType.REMOVE, 4000, "6", "e4", image("itemA", 7), null));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(
                        state(RowKind.INSERT, "itemA", 1, 5000),
                        state(RowKind.INSERT, "itemA", 2, 5000),
                        state(RowKind.UPDATE_BEFORE, "itemA", 2, 5000),
                        state(RowKind.UPDATE_AFTER, "itemA", 3, 5000),
                        state(RowKind.INSERT, "itemA", 5, 5000),
                        state(RowKind.INSERT, "itemA", 6, 5000),
                        state(RowKind.DELETE, "itemA", 6, 5000));
        assertThat(drainChanges())
                .as("only the stream's changes")
                .containsExactly("MODIFY itemA", "MODIFY itemA", "REMOVE itemA", "REMOVE itemA");
    }

    @Test
    void newImageOnlyModifyRetractsThePreviousRowFromState() throws Exception {
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        send(change("o1", ChangeType.MODIFY, 2000, "2", "e2", null, image("itemB", 30)));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(
                        state(RowKind.INSERT, "itemA", 10, 1000),
                        state(RowKind.UPDATE_BEFORE, "itemA", 10, 1000),
                        state(RowKind.UPDATE_AFTER, "itemB", 30, 2000));
    }

    @Test
    void dropsDuplicateDeliveriesFromStateAndFromTheChangesTable() throws Exception {
        ItemChange insert =
                change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10));
        send(insert);
        send(change("o1", ChangeType.INSERT, 1000, "7", "e1", null, image("itemA", 10)));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(state(RowKind.INSERT, "itemA", 10, 1000));
        assertThat(drainChanges()).containsExactly("INSERT itemA");
    }

    @Test
    void appliesOnlyTheNewestOfReorderedChangesButKeepsAllInTheChangesTable() throws Exception {
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        send(
                change(
                        "o1",
                        ChangeType.MODIFY,
                        3000,
                        "3",
                        "e3",
                        image("itemA", 20),
                        image("itemA", 30)));
        send(
                change(
                        "o1",
                        ChangeType.MODIFY,
                        2000,
                        "2",
                        "e2",
                        image("itemA", 10),
                        image("itemA", 20)));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(
                        state(RowKind.INSERT, "itemA", 10, 1000),
                        state(RowKind.UPDATE_BEFORE, "itemA", 10, 1000),
                        state(RowKind.UPDATE_AFTER, "itemA", 30, 3000));
        assertThat(drainChanges()).containsExactly("INSERT itemA", "MODIFY itemA", "MODIFY itemA");
    }

    @Test
    void breaksTiesOfEqualChangeTimesBySequenceNumberAsANumber() throws Exception {
        send(change("o1", ChangeType.INSERT, 1000, "9", "e1", null, image("itemA", 10)));
        send(change("o1", ChangeType.MODIFY, 1000, "10", "e2", null, image("itemA", 11)));
        send(change("o1", ChangeType.MODIFY, 1000, "8", "e0", null, image("itemA", 9)));
        List<Row> out = HarnessRecords.drain(harness);
        assertThat(out).last().isEqualTo(state(RowKind.UPDATE_AFTER, "itemA", 11, 1000));
        assertThat(out).hasSize(3);
        assertThat(ChangelogNormalizer.compareSequenceNumbers("0049", "49")).isZero();
        assertThat(ChangelogNormalizer.compareSequenceNumbers("100", "99")).isPositive();
    }

    @Test
    void tombstoneStopsALateOlderChangeFromResurrectingADeletedItem() throws Exception {
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        send(change("o1", ChangeType.REMOVE, 3000, "3", "e3", null, null));
        send(change("o1", ChangeType.MODIFY, 2000, "2", "e2", null, image("itemA", 20)));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(
                        state(RowKind.INSERT, "itemA", 10, 1000),
                        state(RowKind.DELETE, "itemA", 10, 1000));
        assertThat(drainChanges()).containsExactly("INSERT itemA", "REMOVE itemA", "MODIFY itemA");
    }

    @Test
    void removeOfAnUnknownItemEmitsNothingAndAReinsertAfterDeleteIsAnInsert() throws Exception {
        send(change("o1", ChangeType.REMOVE, 1000, "1", "e1", image("itemA", 10), null));
        send(change("o1", ChangeType.INSERT, 2000, "2", "e2", null, image("itemB", 5)));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(state(RowKind.INSERT, "itemB", 5, 2000));
    }

    @Test
    void clearsAllStateOfADeletedItemAfterTheRetentions() throws Exception {
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        send(change("o1", ChangeType.REMOVE, 2000, "2", "e2", null, null));
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.setProcessingTime(DEDUPE.toMillis() + 1_000);
        assertThat(harness.numKeyedStateEntries())
                .as("tombstone kept, event ids gone")
                .isEqualTo(1);
        harness.setProcessingTime(TOMBSTONE.toMillis() + 1_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void liveItemKeepsOnlyItsImageAndVersionAfterDedupeRetention() throws Exception {
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        send(change("o1", ChangeType.MODIFY, 2000, "2", "e2", null, image("itemA", 11)));
        assertThat(harness.numProcessingTimeTimers()).as("one cleanup timer per item").isOne();
        harness.setProcessingTime(DEDUPE.toMillis() + 1_000);
        assertThat(harness.numKeyedStateEntries()).isOne();
        assertThat(harness.numProcessingTimeTimers()).as("nothing left to forget").isZero();
        send(change("o1", ChangeType.MODIFY, 3000, "3", "e1", null, image("itemA", 12)));
        assertThat(HarnessRecords.drain(harness))
                .as("a forgotten event id is no duplicate any more")
                .endsWith(
                        state(RowKind.UPDATE_BEFORE, "itemA", 11, 2000),
                        state(RowKind.UPDATE_AFTER, "itemA", 12, 3000));
    }

    @Test
    void ttlDeletesAreIgnoredWhenConfiguredNotToRetract() throws Exception {
        harness.close();
        harness = harness(false);
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        ItemChange ttl = change("o1", ChangeType.REMOVE, 2000, "2", "e2", null, null);
        ttl.ttlDelete = true;
        send(ttl);
        send(change("o1", ChangeType.REMOVE, 3000, "3", "e3", null, null));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(
                        state(RowKind.INSERT, "itemA", 10, 1000),
                        state(RowKind.DELETE, "itemA", 10, 1000));
    }
}
