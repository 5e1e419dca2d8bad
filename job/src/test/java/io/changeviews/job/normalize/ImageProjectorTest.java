package io.changeviews.job.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.SourceTableSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * Attributes that do not fit their column: NULL in SQL and one dead letter each, never two under
 * one key.
 */
class ImageProjectorTest {
    private static final SourceTableSpec TABLE =
            new SourceTableSpec(
                    "Orders",
                    "Orders",
                    List.of(new ColumnSpec("qty", new DecimalType(10, 0), List.of("qty"))));
    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<DeadLetter>("dead-letters") {};

    @Test
    void eachUnfitAttributeIsADeadLetterOfItsOwnIncludingSnapshotItems() throws Exception {
        try (OneInputStreamOperatorTestHarness<ChangeEvent, ItemChange> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ImageProjector(TABLE, DEAD_LETTERS, true)))) {
            harness.open();
            harness.processElement(new StreamRecord<>(snapshotItem("o1")));
            harness.processElement(new StreamRecord<>(snapshotItem("o2")));
            harness.processElement(
                    new StreamRecord<>(
                            new ChangeEvent(
                                    "Orders",
                                    ChangeType.INSERT,
                                    Map.of("orderid", DdbValue.s("o3")),
                                    null,
                                    Map.of("orderid", DdbValue.s("o3"), "qty", DdbValue.s("many")),
                                    1_000,
                                    "ev-3",
                                    "42",
                                    false)));

            assertThat(harness.extractOutputValues()).allMatch(c -> c.newRow.getField(0) == null);
            List<DeadLetter> letters =
                    harness.getSideOutput(DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .collect(Collectors.toList());
            // The dead-letter table is keyed by source and position: equal positions overwrite.
            assertThat(letters.stream().map(DeadLetter::position).distinct()).hasSize(3);
        }
    }

    @Test
    void theOldImageIsLeftOutWhenNoViewReadsTheChanges() throws Exception {
        try (OneInputStreamOperatorTestHarness<ChangeEvent, ItemChange> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ImageProjector(TABLE, DEAD_LETTERS, false)))) {
            harness.open();
            harness.processElement(
                    new StreamRecord<>(
                            new ChangeEvent(
                                    "Orders",
                                    ChangeType.MODIFY,
                                    Map.of("orderid", DdbValue.s("o3")),
                                    Map.of("orderid", DdbValue.s("o3"), "qty", DdbValue.s("x")),
                                    Map.of(
                                            "orderid",
                                            DdbValue.s("o3"),
                                            "qty",
                                            DdbValue.n(new BigDecimal("2"))),
                                    1_000,
                                    "ev-3",
                                    "42",
                                    false)));

            assertThat(harness.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            c -> {
                                assertThat(c.oldRow).isNull();
                                assertThat(c.newRow.getField(0)).isEqualTo(new BigDecimal("2"));
                            });
            assertThat(harness.getSideOutput(DEAD_LETTERS)).isNull();
        }
    }

    private static ChangeEvent snapshotItem(String id) {
        Map<String, DdbValue> keys = Map.of("orderid", DdbValue.s(id));
        return ChangeEvent.snapshotItem(
                "Orders", keys, Map.of("orderid", DdbValue.s(id), "qty", DdbValue.s("many")), 500);
    }
}
