package io.changeviews.job.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.HarnessRecords;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coalescer holds a view's writes until every awaited snapshot is done, then a barrier. */
class WriteCoalescerGateTest {
    private static final RowItemConverter CONVERTER =
            new RowItemConverter(List.of("k", "v"), List.of("k"));
    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<DeadLetter>("dead-letters") {};
    private KeyedTwoInputStreamOperatorTestHarness<String, Row, String, Row> harness;

    private static KeyedTwoInputStreamOperatorTestHarness<String, Row, String, Row> open(
            OperatorSubtaskState restored) throws Exception {
        return open(restored, Set.of("A", "B"));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Row, String, Row> open(
            OperatorSubtaskState restored, Set<String> awaited) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, Row, String, Row> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new WriteCoalescer(
                                "v",
                                CONVERTER,
                                new RowTypeInfo(Types.STRING, Types.LONG),
                                Duration.ofSeconds(1),
                                DEAD_LETTERS,
                                awaited),
                        new ViewKeySelector(CONVERTER),
                        table -> "",
                        Types.STRING);
        h.setProcessingTime(0);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(RowKind kind, String key, long value) throws Exception {
        harness.processElement1(new StreamRecord<>(Row.ofKind(kind, key, value)));
    }

    @Test
    void writesWaitForEverySnapshotAndABarrierThenEachKeyIsWrittenOnceWithItsNewestValue()
            throws Exception {
        harness = open(null);
        send(RowKind.INSERT, "a", 1);
        send(RowKind.UPDATE_BEFORE, "a", 1);
        send(RowKind.UPDATE_AFTER, "a", 2);
        send(RowKind.INSERT, "b", 5);
        harness.setProcessingTime(5_000);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(HarnessRecords.drain(harness)).as("no snapshot done").isEmpty();

        harness.processElement2(new StreamRecord<>("A"));
        send(RowKind.UPDATE_BEFORE, "a", 2);
        send(RowKind.UPDATE_AFTER, "a", 3);
        harness.setProcessingTime(10_000);
        harness.prepareSnapshotPreBarrier(2);
        assertThat(HarnessRecords.drain(harness)).as("B still snapshotting").isEmpty();

        harness.processElement2(new StreamRecord<>("B"));
        harness.setProcessingTime(15_000);
        assertThat(HarnessRecords.drain(harness)).as("before the next barrier").isEmpty();
        harness.prepareSnapshotPreBarrier(3);
        assertThat(HarnessRecords.drain(harness))
                .containsExactlyInAnyOrder(
                        Row.ofKind(RowKind.UPDATE_AFTER, "a", 3L),
                        Row.ofKind(RowKind.INSERT, "b", 5L));

        send(RowKind.UPDATE_BEFORE, "b", 5);
        send(RowKind.UPDATE_AFTER, "b", 6);
        harness.setProcessingTime(16_000);
        assertThat(HarnessRecords.drain(harness))
                .as("then the usual flush interval")
                .containsExactly(Row.ofKind(RowKind.UPDATE_AFTER, "b", 6L));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aRestoreBeforeTheGateOpenedWaitsAgainAndOneAfterItStaysOpen() throws Exception {
        harness = open(null);
        send(RowKind.INSERT, "a", 1);
        harness.processElement2(new StreamRecord<>("A"));
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState closed = harness.snapshot(1, 1);
        harness.close();

        harness = open(closed);
        harness.setProcessingTime(5_000);
        harness.prepareSnapshotPreBarrier(2);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        harness.processElement2(new StreamRecord<>("B"));
        harness.prepareSnapshotPreBarrier(3);
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.INSERT, "a", 1L));
        OperatorSubtaskState opened = harness.snapshot(3, 3);
        harness.close();

        harness = open(opened);
        send(RowKind.INSERT, "c", 7);
        harness.setProcessingTime(1_000);
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.INSERT, "c", 7L));
    }

    @Test
    void rowsHeldInARestoredCheckpointAreWrittenBeforeNewerOnesOnceTheGateIsOpen()
            throws Exception {
        harness = open(null);
        send(RowKind.INSERT, "a", 1);
        OperatorSubtaskState held = harness.snapshot(1, 1);
        harness.close();

        // Restarted without the snapshots (say, with snapshot = none): the gate opens at once.
        harness = open(held, Set.of());
        send(RowKind.UPDATE_AFTER, "a", 2);
        harness.setProcessingTime(1_000);
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(
                        Row.ofKind(RowKind.INSERT, "a", 1L),
                        Row.ofKind(RowKind.UPDATE_AFTER, "a", 2L));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void theFinalWatermarkWritesWhatIsHeld() throws Exception {
        harness = open(null);
        send(RowKind.INSERT, "a", 1);
        harness.processWatermark1(new Watermark(Long.MAX_VALUE));
        harness.processWatermark2(new Watermark(Long.MAX_VALUE));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.INSERT, "a", 1L));
    }
}
