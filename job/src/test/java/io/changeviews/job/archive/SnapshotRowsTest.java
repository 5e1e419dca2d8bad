package io.changeviews.job.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.archive.AvroRowSchema;
import io.changeviews.connectors.archive.RowToAvro;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoStreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Snapshot items flattened into rows of the snapshots dataset, with their snapshot's start. */
class SnapshotRowsTest {
    private static final Instant FIRST_BUILD = Instant.parse("2026-11-22T09:00:00Z");
    private static final Instant LATER_BUILD = Instant.parse("2026-11-23T12:00:00Z");

    private static JobConfig shipped() throws Exception {
        return JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()));
    }

    private static ChangeEvent item(String table, String id, Object quantity) {
        // The key in key-schema order (as a Scan gives it), unlike the change stream's.
        Map<String, DdbValue> keys = new LinkedHashMap<>();
        keys.put("orderid", DdbValue.s(id));
        keys.put("order_date", DdbValue.s("2026-11-22T10:00:00"));
        Map<String, DdbValue> image = new LinkedHashMap<>(keys);
        image.put("item_number", DdbValue.s("item123"));
        image.put(
                "quantity",
                quantity instanceof String
                        ? DdbValue.s((String) quantity)
                        : DdbValue.n((BigDecimal) quantity));
        image.put("tags", DdbValue.ss(List.of("a", "b")));
        return ChangeEvent.snapshotItem(table, keys, image, 1_795_340_000_123_000L);
    }

    @Test
    void anItemBecomesARowShapedLikeTheChangesDatasetsImages() throws Exception {
        JobConfig config = shipped();
        SnapshotRows rows = new SnapshotRows(config.tables());
        Row row = rows.toRow(item("Order_by_item", "1", new BigDecimal("12.5")), FIRST_BUILD);
        List<String> names = rows.rowType().getFieldNames();

        assertThat(row.getField(names.indexOf("table_name"))).isEqualTo("Order_by_item");
        assertThat(row.getField(names.indexOf("snapshot_start"))).isEqualTo(FIRST_BUILD);
        assertThat(row.getField(names.indexOf("snapshot_time")))
                .as("the item's stamped change time")
                .isEqualTo(Instant.parse("2026-11-22T09:33:20.123Z"));
        assertThat(row.getField(names.indexOf("quantity"))).isEqualTo(new BigDecimal("12.5000"));
        assertThat(row.getField(names.indexOf("item_number"))).isEqualTo("item123");
        assertThat(row.getField(names.indexOf("InvoiceNumber")))
                .as("another table's column")
                .isNull();
        assertThat((String) row.getField(names.indexOf("image")))
                .contains("\"quantity\":{\"N\":\"12.5\"}", "\"tags\":{\"SS\":[\"a\",\"b\"]}");

        // The same item as a change of the stream, its key attributes in another order: the same
        // key text and the same typed columns, so snapshot rows and changes line up.
        ChangeRows changes = new ChangeRows(config.tables());
        Map<String, DdbValue> streamKeys = new LinkedHashMap<>();
        streamKeys.put("order_date", DdbValue.s("2026-11-22T10:00:00"));
        streamKeys.put("orderid", DdbValue.s("1"));
        Row change =
                changes.apply(
                        DecodeResult.of(
                                new ChangeEvent(
                                        "Order_by_item",
                                        ChangeType.MODIFY,
                                        streamKeys,
                                        null,
                                        item("Order_by_item", "1", BigDecimal.ONE).newImage(),
                                        1_795_340_001_000_000L,
                                        "ev-1",
                                        "49590338271490256608559692538361571095921575989136588898",
                                        false)));
        List<String> changeNames = changes.rowType().getFieldNames();
        assertThat(row.getField(names.indexOf("keys")))
                .isEqualTo(change.getField(changeNames.indexOf("keys")))
                .isEqualTo(
                        "{\"order_date\":{\"S\":\"2026-11-22T10:00:00\"},\"orderid\":{\"S\":\"1\"}}");
        assertThat(declared(rows.rowType(), "keys", "image"))
                .isEqualTo(declared(changes.rowType(), "keys", "old_image"))
                .hasSizeGreaterThan(3);

        GenericRecord record =
                new RowToAvro(rows.rowType(), AvroRowSchema.of("snapshots", rows.rowType()))
                        .convert(row);
        assertThat(record.get("snapshot_start")).isEqualTo(FIRST_BUILD.toEpochMilli());
        assertThat(record.get("snapshot_time")).isEqualTo(1_795_340_000_123L);
    }

    @Test
    void anAttributeOfTheWrongTypeIsNullInItsColumnAndKeptInTheImage() throws Exception {
        SnapshotRows rows = new SnapshotRows(shipped().tables());
        Row row = rows.toRow(item("Order_by_item", "2", "not a number"), FIRST_BUILD);
        List<String> names = rows.rowType().getFieldNames();
        assertThat(row.getField(names.indexOf("quantity"))).isNull();
        assertThat((String) row.getField(names.indexOf("image")))
                .contains("\"quantity\":{\"S\":\"not a number\"}");
    }

    @Test
    void aRestoredJobKeepsItsSnapshotsStartAndOnlyANewSnapshotGetsANewOne() throws Exception {
        SnapshotRows rows = new SnapshotRows(shipped().tables());
        Set<String> both = Set.of("Order_by_item", "CustomerOrders");
        OperatorSubtaskState checkpoint;
        try (TwoInputStreamOperatorTestHarness<DecodeResult, DecodeResult, Row> first =
                harness(rows, both, FIRST_BUILD, null)) {
            first.processElement1(record("Order_by_item", "1"));
            first.processElement1(record("CustomerOrders", "2"));
            assertThat(starts(first, rows)).containsExactly(FIRST_BUILD, FIRST_BUILD);
            checkpoint = first.snapshot(1, 1);
        }
        // Restored, built a day later: the snapshots go on under their first start.
        try (TwoInputStreamOperatorTestHarness<DecodeResult, DecodeResult, Row> restored =
                harness(rows, both, LATER_BUILD, checkpoint)) {
            restored.processElement1(record("Order_by_item", "3"));
            assertThat(starts(restored, rows)).containsExactly(FIRST_BUILD);
        }
        // CustomerOrders no longer snapshotted: its start is dropped, and when it is snapshotted
        // again after a later restore, that is a new snapshot.
        try (TwoInputStreamOperatorTestHarness<DecodeResult, DecodeResult, Row> without =
                harness(rows, Set.of("Order_by_item"), LATER_BUILD, checkpoint)) {
            checkpoint = without.snapshot(2, 2);
        }
        Instant third = LATER_BUILD.plusSeconds(3600);
        try (TwoInputStreamOperatorTestHarness<DecodeResult, DecodeResult, Row> again =
                harness(rows, both, third, checkpoint)) {
            again.processElement1(record("Order_by_item", "4"));
            again.processElement1(record("CustomerOrders", "5"));
            assertThat(starts(again, rows)).containsExactly(FIRST_BUILD, third);
        }
    }

    private static TwoInputStreamOperatorTestHarness<DecodeResult, DecodeResult, Row> harness(
            SnapshotRows rows, Set<String> tables, Instant builtAt, OperatorSubtaskState state)
            throws Exception {
        TwoInputStreamOperatorTestHarness<DecodeResult, DecodeResult, Row> h =
                new TwoInputStreamOperatorTestHarness<>(
                        new CoStreamFlatMap<>(new SnapshotStarts(rows, tables, builtAt)));
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    private static StreamRecord<DecodeResult> record(String table, String id) {
        return new StreamRecord<>(DecodeResult.of(item(table, id, BigDecimal.TEN)));
    }

    private static List<Object> starts(
            TwoInputStreamOperatorTestHarness<DecodeResult, DecodeResult, Row> h,
            SnapshotRows rows) {
        int start = rows.rowType().getFieldNames().indexOf("snapshot_start");
        return h.extractOutputValues().stream()
                .map(r -> r.getField(start))
                .collect(Collectors.toList());
    }

    /** The fields strictly between two named ones: the declared columns. */
    private static List<RowType.RowField> declared(RowType type, String after, String before) {
        List<String> names = type.getFieldNames();
        return type.getFields().subList(names.indexOf(after) + 1, names.indexOf(before));
    }
}
