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
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriteCoalescerTest {
    private static final RowItemConverter CONVERTER =
            new RowItemConverter(List.of("k", "v"), List.of("k"));
    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<DeadLetter>("dead-letters") {};
    private KeyedOneInputStreamOperatorTestHarness<String, Row, Row> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        coalescer(Set.of()), new ViewKeySelector(CONVERTER), Types.STRING);
        harness.setProcessingTime(0);
        harness.open();
    }

    private static WriteCoalescer coalescer(Set<String> awaitedSnapshots) {
        return new WriteCoalescer(
                "v",
                CONVERTER,
                new RowTypeInfo(Types.STRING, Types.LONG),
                Duration.ofSeconds(1),
                DEAD_LETTERS,
                awaitedSnapshots);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(RowKind kind, String key, long value) throws Exception {
        harness.processElement(new StreamRecord<>(Row.ofKind(kind, key, value)));
    }

    @Test
    void emitsOnlyTheNewestRowOfAKeyOncePerInterval() throws Exception {
        send(RowKind.INSERT, "a", 1);
        send(RowKind.UPDATE_BEFORE, "a", 1);
        send(RowKind.UPDATE_AFTER, "a", 2);
        send(RowKind.UPDATE_BEFORE, "a", 2);
        send(RowKind.UPDATE_AFTER, "a", 3);
        send(RowKind.INSERT, "b", 7);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        harness.setProcessingTime(1_000);
        assertThat(HarnessRecords.drain(harness))
                .containsExactlyInAnyOrder(
                        Row.ofKind(RowKind.UPDATE_AFTER, "a", 3L),
                        Row.ofKind(RowKind.INSERT, "b", 7L));
        harness.setProcessingTime(5_000);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aKeyIsWrittenAtTheEndOfTheIntervalItChangedInAndOnceInIt() throws Exception {
        harness.setProcessingTime(1_700);
        send(RowKind.INSERT, "a", 1);
        harness.setProcessingTime(1_999);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        harness.setProcessingTime(2_000);
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.INSERT, "a", 1L));
        send(RowKind.UPDATE_AFTER, "a", 2);
        harness.setProcessingTime(2_999);
        assertThat(HarnessRecords.drain(harness)).as("once per interval").isEmpty();
        harness.setProcessingTime(3_000);
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.UPDATE_AFTER, "a", 2L));
    }

    @Test
    void aRetractionWithoutAFollowingUpdateDeletesTheItem() throws Exception {
        send(RowKind.INSERT, "a", 1);
        harness.setProcessingTime(1_000);
        HarnessRecords.drain(harness);
        send(RowKind.UPDATE_BEFORE, "a", 1);
        harness.setProcessingTime(2_000);
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.DELETE, "a", 1L));
    }

    @Test
    void aDeleteAfterAnUpdateInOneIntervalIsOneDelete() throws Exception {
        send(RowKind.UPDATE_AFTER, "a", 2);
        send(RowKind.DELETE, "a", 2);
        harness.setProcessingTime(1_000);
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.DELETE, "a", 2L));
    }

    @Test
    void aCheckpointBarrierFlushesWhatIsPendingSoARestoreHasNothingToRepeat() throws Exception {
        send(RowKind.INSERT, "a", 1);
        send(RowKind.INSERT, "b", 2);
        send(RowKind.UPDATE_AFTER, "b", 3);
        harness.prepareSnapshotPreBarrier(1L);
        assertThat(HarnessRecords.drain(harness))
                .as("before the barrier")
                .containsExactly(
                        Row.ofKind(RowKind.INSERT, "a", 1L),
                        Row.ofKind(RowKind.UPDATE_AFTER, "b", 3L));
        var snapshot = harness.snapshot(1L, 1L);
        assertThat(harness.numKeyedStateEntries()).as("nothing pending is checkpointed").isZero();
        harness.setProcessingTime(1_000);
        assertThat(HarnessRecords.drain(harness)).as("and nothing is written twice").isEmpty();
        send(RowKind.UPDATE_AFTER, "b", 4);
        harness.close();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        coalescer(Set.of()), new ViewKeySelector(CONVERTER), Types.STRING);
        harness.setProcessingTime(1_000);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(3_000);
        assertThat(HarnessRecords.drain(harness))
                .as("b = 4 came after the checkpoint: the replay brings it again")
                .isEmpty();
    }

    @Test
    void aRowWithoutAKeyBecomesADeadLetter() throws Exception {
        harness.processElement(new StreamRecord<>(Row.ofKind(RowKind.INSERT, null, 1L)));
        harness.setProcessingTime(1_000);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        assertThat(harness.getSideOutput(DEAD_LETTERS))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r.getValue().reason())
                                        .isEqualTo(
                                                "DynamoDB cannot store the row: key [k] is null or"
                                                        + " empty"));
    }

    @Test
    void theFinalWatermarkFlushesPendingWrites() throws Exception {
        send(RowKind.INSERT, "a", 1);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(HarnessRecords.drain(harness))
                .containsExactly(Row.ofKind(RowKind.INSERT, "a", 1L));
    }
}
