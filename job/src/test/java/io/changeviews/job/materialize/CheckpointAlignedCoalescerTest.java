package io.changeviews.job.materialize;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.HarnessRecords;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointAlignedCoalescerTest {
    private static final TypeInformation<Row> ROW = new RowTypeInfo(Types.STRING, Types.LONG);
    private static final RowItemConverter CONVERTER = new RowItemConverter(List.of("k", "v"), List.of("k"));
    private static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<DeadLetter>("dead-letters") {};

    private KeyedOneInputStreamOperatorTestHarness<String, Row, Row> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Row, Row> harness(OperatorSubtaskState restore) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Row, Row> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new CheckpointAlignedCoalescer("v", CONVERTER, ROW, DEAD_LETTERS), new ViewKeySelector(CONVERTER), Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(RowKind kind, String key, long value) throws Exception {
        harness.processElement(new StreamRecord<>(Row.ofKind(kind, key, value)));
    }

    @Test
    void writesOnlyWhatACompletedCheckpointHoldsOncePerKey() throws Exception {
        send(RowKind.INSERT, "a", 1);
        send(RowKind.UPDATE_BEFORE, "a", 1);
        send(RowKind.UPDATE_AFTER, "a", 2);
        send(RowKind.INSERT, "b", 7);
        harness.snapshot(1, 1);
        send(RowKind.UPDATE_AFTER, "a", 3);
        assertThat(HarnessRecords.drain(harness)).isEmpty();

        harness.notifyOfCompletedCheckpoint(1);
        assertThat(HarnessRecords.drain(harness)).containsExactlyInAnyOrder(
                Row.ofKind(RowKind.UPDATE_AFTER, "a", 2L), Row.ofKind(RowKind.INSERT, "b", 7L));

        harness.snapshot(2, 2);
        harness.notifyOfCompletedCheckpoint(2);
        assertThat(HarnessRecords.drain(harness)).containsExactly(Row.ofKind(RowKind.UPDATE_AFTER, "a", 3L));
        harness.snapshot(3, 3);
        harness.notifyOfCompletedCheckpoint(3);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aSkippedNotificationIsCoveredByTheNextOne() throws Exception {
        send(RowKind.INSERT, "a", 1);
        harness.snapshot(1, 1);
        send(RowKind.UPDATE_AFTER, "a", 2);
        harness.snapshot(2, 2);
        harness.notifyOfCompletedCheckpoint(2);
        assertThat(HarnessRecords.drain(harness)).containsExactly(Row.ofKind(RowKind.UPDATE_AFTER, "a", 2L));
    }

    @Test
    void rowsSealedInARestoredCheckpointAreWrittenAfterTheRestore() throws Exception {
        send(RowKind.INSERT, "a", 1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        send(RowKind.UPDATE_AFTER, "a", 2);
        harness.close();

        harness = harness(snapshot);
        assertThat(HarnessRecords.drain(harness)).isEmpty();
        harness.snapshot(2, 2);
        harness.notifyOfCompletedCheckpoint(2);
        assertThat(HarnessRecords.drain(harness)).containsExactly(Row.ofKind(RowKind.INSERT, "a", 1L));
    }

    @Test
    void theEndOfABoundedInputWritesWhatIsLeft() throws Exception {
        send(RowKind.INSERT, "a", 1);
        harness.snapshot(1, 1);
        send(RowKind.INSERT, "b", 2);
        harness.getOneInputOperator().finish();
        assertThat(HarnessRecords.drain(harness)).containsExactlyInAnyOrder(
                Row.ofKind(RowKind.INSERT, "a", 1L), Row.ofKind(RowKind.INSERT, "b", 2L));
    }
}
