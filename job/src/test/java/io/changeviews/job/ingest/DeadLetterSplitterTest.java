package io.changeviews.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.HarnessRecords;
import io.changeviews.job.config.JobConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** Decoded changes pass, dead letters go aside, and an undeclared table's change is one too. */
class DeadLetterSplitterTest {
    private static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead") {};

    private static ChangeEvent change(String table) {
        Map<String, DdbValue> keys = Map.of("id", DdbValue.s("a"));
        return new ChangeEvent(
                table, ChangeType.INSERT, keys, null, keys, 1_000L, "ev-1", "42", false);
    }

    private static OneInputStreamOperatorTestHarness<DecodeResult, ChangeEvent> harness(
            JobConfig.OtherTables otherTables) throws Exception {
        OneInputStreamOperatorTestHarness<DecodeResult, ChangeEvent> h =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(
                                new DeadLetterSplitter(
                                        DEAD_LETTERS, Set.of("Orders"), otherTables)));
        h.open();
        h.processElement(DecodeResult.of(change("Orders")), 0);
        h.processElement(
                DecodeResult.failed(
                        new DeadLetter("kinesis:s/shard-0", "7", "malformed JSON", "{")),
                0);
        h.processElement(DecodeResult.of(change("Invoices")), 0);
        return h;
    }

    @Test
    void anUndeclaredTablesChangeIsADeadLetterNamingTheTableAndTheSetting() throws Exception {
        var h = harness(JobConfig.OtherTables.DEAD_LETTER);
        assertThat(HarnessRecords.drain(h))
                .extracting(ChangeEvent::tableName)
                .containsExactly("Orders");
        List<DeadLetter> letters =
                h.getSideOutput(DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
        assertThat(letters)
                .extracting(DeadLetter::source)
                .containsExactly("kinesis:s/shard-0", "table:Invoices");
        assertThat(letters.get(1).position()).isEqualTo("42#ev-1");
        assertThat(letters.get(1).reason())
                .isEqualTo(
                        "table 'Invoices' is not declared (no table.* group names it); source /"
                                + " other-tables = skip ignores such changes");
    }

    @Test
    void withSkipAnUndeclaredTablesChangeIsOnlyCounted() throws Exception {
        var h = harness(JobConfig.OtherTables.SKIP);
        assertThat(HarnessRecords.drain(h))
                .extracting(ChangeEvent::tableName)
                .containsExactly("Orders");
        assertThat(h.getSideOutput(DEAD_LETTERS))
                .extracting(r -> r.getValue().source())
                .containsExactly("kinesis:s/shard-0");
    }
}
