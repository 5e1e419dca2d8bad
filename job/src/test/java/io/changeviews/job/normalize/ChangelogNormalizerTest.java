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
import org.apache.flink.streaming.api.watermark.Watermark;
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
    private static final Duration BUNDLE_LATENCY = Duration.ofMillis(200);

    private KeyedOneInputStreamOperatorTestHarness<String, ItemChange, Row> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(true, 1000);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ItemChange, Row> harness(
            boolean retractTtl, int bundleSize) throws Exception {
        return harness(retractTtl, true, bundleSize);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ItemChange, Row> harness(
            boolean retractTtl, boolean changesRead, int bundleSize) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ItemChange, Row> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new ChangelogNormalizer(
                                TABLE,
                                CHANGES,
                                DEDUPE,
                                TOMBSTONE,
                                retractTtl,
                                changesRead,
                                BUNDLE_LATENCY,
                                bundleSize),
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

    /** Sends a delivery in a bundle of its own: what it does alone. */
    private void send(ItemChange c) throws Exception {
        hold(c);
        endBundle();
    }

    /** Adds a delivery to the open bundle. */
    private void hold(ItemChange c) throws Exception {
        harness.processElement(new StreamRecord<>(c, c.changeTimeMicros / 1000));
    }

    private long checkpoints;

    /** Ends the open bundle as a checkpoint barrier does. */
    private void endBundle() throws Exception {
        harness.prepareSnapshotPreBarrier(++checkpoints);
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
        harness = harness(false, 1000);
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

    @Test
    void aBundleEmitsOneNetChangePerItemAndEveryChangeOnTheSide() throws Exception {
        hold(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        hold(change("o1", ChangeType.MODIFY, 2000, "2", "e2", null, image("itemA", 11)));
        hold(change("o2", ChangeType.INSERT, 1500, "3", "e3", null, image("itemB", 1)));
        hold(change("o1", ChangeType.MODIFY, 3000, "4", "e4", null, image("itemA", 12)));
        hold(change("o1", ChangeType.MODIFY, 3000, "4", "e4", null, image("itemA", 12)));
        hold(change("o2", ChangeType.REMOVE, 2500, "5", "e5", null, null));
        assertThat(HarnessRecords.drain(harness)).as("held until the bundle ends").isEmpty();
        endBundle();
        assertThat(HarnessRecords.drain(harness))
                .as("an item inserted and deleted in one bundle never shows")
                .containsExactly(state(RowKind.INSERT, "itemA", 12, 3000));
        assertThat(drainChanges())
                .as("every change but the duplicate, in arrival order per item")
                .containsExactly(
                        "INSERT itemA",
                        "MODIFY itemA",
                        "MODIFY itemA",
                        "INSERT itemB",
                        "REMOVE itemB");
        hold(change("o1", ChangeType.MODIFY, 4000, "6", "e6", null, image("itemA", 13)));
        hold(change("o1", ChangeType.MODIFY, 3500, "5", "e7", null, image("itemA", 99)));
        hold(change("o1", ChangeType.MODIFY, 5000, "7", "e8", null, image("itemA", 14)));
        endBundle();
        assertThat(HarnessRecords.drain(harness))
                .as("the row before the bundle retracted, the newest one added")
                .containsExactly(
                        state(RowKind.UPDATE_BEFORE, "itemA", 12, 3000),
                        state(RowKind.UPDATE_AFTER, "itemA", 14, 5000));
        hold(change("o1", ChangeType.REMOVE, 6000, "8", "e9", null, null));
        hold(change("o1", ChangeType.INSERT, 5500, "7", "e10", null, image("itemA", 98)));
        endBundle();
        assertThat(HarnessRecords.drain(harness))
                .as("a stale change after a delete in the same bundle resurrects nothing")
                .containsExactly(state(RowKind.DELETE, "itemA", 14, 5000));
        assertThat(harness.numKeyedStateEntries()).as("o2's tombstone and o1's").isEqualTo(2);
    }

    @Test
    void aBundleEndsAtItsLatencyAtItsSizeAndBeforeAWatermark() throws Exception {
        hold(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        harness.setProcessingTime(BUNDLE_LATENCY.toMillis() - 1);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        harness.setProcessingTime(BUNDLE_LATENCY.toMillis());
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(state(RowKind.INSERT, "itemA", 10, 1000));

        hold(change("o2", ChangeType.INSERT, 2000, "2", "e2", null, image("itemB", 1)));
        harness.processWatermark(new Watermark(1500));
        assertThat(harness.getOutput())
                .as("the bundle's rows, then the watermark")
                .containsExactly(
                        new StreamRecord<>(state(RowKind.INSERT, "itemB", 1, 2000), 2000),
                        new Watermark(1500));
        harness.getOutput().clear();

        harness.close();
        harness = harness(true, 3);
        hold(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        hold(change("o2", ChangeType.INSERT, 1000, "2", "e2", null, image("itemB", 10)));
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        hold(change("o1", ChangeType.MODIFY, 2000, "3", "e3", null, image("itemA", 11)));
        assertThat(HarnessRecords.drain(harness))
                .as("the third delivery fills the bundle")
                .containsExactly(
                        state(RowKind.INSERT, "itemA", 11, 2000),
                        state(RowKind.INSERT, "itemB", 10, 1000));
    }

    @Test
    void anItemsCleanupAppliesWhatItHoldsFirst() throws Exception {
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        send(change("o1", ChangeType.REMOVE, 3000, "3", "e3", null, null));
        HarnessRecords.drain(harness);
        long tombstoneGone = TOMBSTONE.toMillis() + 1_000;
        harness.setProcessingTime(tombstoneGone - 10);
        hold(change("o1", ChangeType.MODIFY, 2000, "2", "e2", null, image("itemA", 20)));
        harness.setProcessingTime(tombstoneGone);
        assertThat(HarnessRecords.drain(harness))
                .as("judged against the tombstone, which was still there when it arrived")
                .isEmpty();
        harness.setProcessingTime(tombstoneGone + DEDUPE.toMillis() + 1_000);
        assertThat(harness.numKeyedStateEntries()).as("its event id forgotten too").isZero();
        assertThat(HarnessRecords.drain(harness)).isEmpty();
    }

    @Test
    void withoutAViewOfItsChangesAnItemKeepsOnlyTheIdsAtItsAppliedTime() throws Exception {
        harness.close();
        harness = harness(true, false, 1000);
        send(change("o1", ChangeType.INSERT, 1000, "1", "e1", null, image("itemA", 10)));
        send(change("o1", ChangeType.MODIFY, 2000, "2", "e2", null, image("itemA", 11)));
        send(change("o1", ChangeType.MODIFY, 2000, "3", "e3", null, image("itemA", 12)));
        // e2 again, re-sent with a higher sequence number: only its id tells it from a change.
        send(change("o1", ChangeType.MODIFY, 2000, "4", "e2", null, image("itemA", 11)));
        // e1 again: older than the applied change, stale without its id.
        send(change("o1", ChangeType.INSERT, 1000, "5", "e1", null, image("itemA", 10)));
        assertThat(HarnessRecords.drain(harness))
                .as("the duplicate does not bring back the older image of its tie")
                .endsWith(
                        state(RowKind.UPDATE_BEFORE, "itemA", 11, 2000),
                        state(RowKind.UPDATE_AFTER, "itemA", 12, 2000));
        assertThat(drainChanges()).as("no view reads the changes").isEmpty();
        assertThat(harness.numProcessingTimeTimers()).as("a live item needs no cleanup").isZero();
        send(change("o1", ChangeType.REMOVE, 3000, "6", "e6", null, null));
        assertThat(harness.numProcessingTimeTimers()).as("its tombstone's").isOne();
        harness.setProcessingTime(TOMBSTONE.toMillis() + 1_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aNetChangeCarriesTheTimestampOfTheChangeItIs() throws Exception {
        hold(change("o1", ChangeType.INSERT, 5000, "2", "e2", null, image("itemA", 10)));
        hold(change("o1", ChangeType.MODIFY, 1000, "1", "e1", null, image("itemA", 9)));
        endBundle();
        assertThat(harness.getOutput())
                .as("not the stale change's that came last")
                .containsExactly(
                        new StreamRecord<>(state(RowKind.INSERT, "itemA", 10, 5000), 5000));
    }
}
