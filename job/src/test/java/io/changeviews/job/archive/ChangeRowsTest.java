package io.changeviews.job.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.connectors.archive.AvroRowSchema;
import io.changeviews.connectors.archive.RowToAvro;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Change events flattened into rows of the changes dataset. */
class ChangeRowsTest {
    private static JobConfig shipped() throws Exception {
        return JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()));
    }

    private static Map<String, DdbValue> order(String id, String quantity, String item) {
        Map<String, DdbValue> m = new LinkedHashMap<>();
        m.put("orderid", DdbValue.s(id));
        m.put("order_date", DdbValue.s("2026-11-22T10:00:00"));
        if (item != null) {
            m.put("item_number", DdbValue.s(item));
        }
        if (quantity != null) {
            m.put("quantity", DdbValue.n(new BigDecimal(quantity)));
        }
        return m;
    }

    @Test
    void aChangeBecomesAFlatRowWithTypedColumnsAndLosslessImages() throws Exception {
        ChangeRows rows = new ChangeRows(shipped().tables());
        Map<String, DdbValue> newImage = order("1", "12.5", "item123");
        newImage.put("tags", DdbValue.ss(List.of("a", "b")));
        ChangeEvent e =
                new ChangeEvent(
                        "Order_by_item",
                        ChangeType.MODIFY,
                        order("1", null, null),
                        order("1", "10", "item123"),
                        newImage,
                        1_795_340_000_123_456L,
                        "ev-1",
                        "seq-1",
                        false);
        Row row = rows.apply(DecodeResult.of(e));
        List<String> names = rows.rowType().getFieldNames();

        assertThat(row.getField(names.indexOf("table_name"))).isEqualTo("Order_by_item");
        assertThat(row.getField(names.indexOf("event_name"))).isEqualTo("MODIFY");
        assertThat(row.getField(names.indexOf("event_id"))).isEqualTo("ev-1");
        assertThat(row.getField(names.indexOf("sequence_number"))).isEqualTo("seq-1");
        assertThat(row.getField(names.indexOf("change_time")))
                .isEqualTo(Instant.parse("2026-11-22T09:33:20.123456Z"));
        assertThat(row.getField(names.indexOf("ttl_delete"))).isEqualTo(false);
        assertThat(row.getField(names.indexOf("keys")))
                .as("the key's attributes sorted by name")
                .isEqualTo(
                        "{\"order_date\":{\"S\":\"2026-11-22T10:00:00\"},\"orderid\":{\"S\":\"1\"}}");
        assertThat(row.getField(names.indexOf("quantity"))).isEqualTo(new BigDecimal("12.5000"));
        assertThat(row.getField(names.indexOf("item_number"))).isEqualTo("item123");
        assertThat(row.getField(names.indexOf("InvoiceNumber")))
                .as("another table's column")
                .isNull();
        assertThat(row.getField(names.indexOf("old_image")))
                .isEqualTo(
                        "{\"orderid\":{\"S\":\"1\"},\"order_date\":{\"S\":\"2026-11-22T10:00:00\"},\"item_number\":{\"S\":\"item123\"},\"quantity\":{\"N\":\"10\"}}");
        assertThat((String) row.getField(names.indexOf("new_image")))
                .contains("\"quantity\":{\"N\":\"12.5\"}", "\"tags\":{\"SS\":[\"a\",\"b\"]}");

        RowToAvro toAvro =
                new RowToAvro(rows.rowType(), AvroRowSchema.of("changes", rows.rowType()));
        GenericRecord record = toAvro.convert(row);
        assertThat(record.get("change_time")).as("timestamp-millis").isEqualTo(1_795_340_000_123L);
        assertThat(
                        new BigDecimal(
                                new java.math.BigInteger(
                                        ((ByteBuffer) record.get("quantity")).array()),
                                4))
                .isEqualTo(new BigDecimal("12.5000"));
    }

    @Test
    void aRemoveKeepsTheOldImageInTheTypedColumnsAndAWrongTypeIsNull() throws Exception {
        ChangeRows rows = new ChangeRows(shipped().tables());
        Map<String, DdbValue> old = order("2", null, "item9");
        old.put("quantity", DdbValue.s("not a number"));
        Row row =
                rows.apply(
                        DecodeResult.of(
                                new ChangeEvent(
                                        "Order_by_item",
                                        ChangeType.REMOVE,
                                        order("2", null, null),
                                        old,
                                        null,
                                        1_795_340_000_000_000L,
                                        "ev-2",
                                        "seq-2",
                                        true)));
        List<String> names = rows.rowType().getFieldNames();
        assertThat(row.getField(names.indexOf("item_number"))).isEqualTo("item9");
        assertThat(row.getField(names.indexOf("quantity"))).isNull();
        assertThat((String) row.getField(names.indexOf("old_image")))
                .contains("\"quantity\":{\"S\":\"not a number\"}");
        assertThat(row.getField(names.indexOf("new_image"))).isNull();
        assertThat(row.getField(names.indexOf("ttl_delete"))).isEqualTo(true);
    }

    @Test
    void deadLettersAndOtherTablesAreNotArchived() throws Exception {
        ChangeRows rows = new ChangeRows(shipped().tables());
        assertThat(
                        rows.apply(
                                DecodeResult.failed(
                                        new DeadLetter(
                                                "kinesis:s/shard-0", "1", "malformed JSON", "{"))))
                .isNull();
        assertThat(
                        rows.apply(
                                DecodeResult.of(
                                        new ChangeEvent(
                                                "SomeOtherTable",
                                                ChangeType.INSERT,
                                                order("3", null, null),
                                                null,
                                                order("3", "1", "x"),
                                                1L,
                                                "ev-3",
                                                "seq-3",
                                                false))))
                .isNull();
    }

    @Test
    void oneColumnNameHasOneTypeAcrossTablesAndNoneShadowsTheArchivesOwn() throws Exception {
        Map<String, Map<String, String>> clash =
                Map.of("table.CustomerOrders", Map.of("column.quantity", "STRING"));
        JobConfig config =
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                clash));
        assertThatThrownBy(() -> new ChangeRows(config.tables()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/ column.quantity: is ")
                .hasMessageContaining("one type per column name");
        JobConfig own =
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                Map.of("table.CustomerOrders", Map.of("column.Keys", "STRING"))));
        assertThatThrownBy(() -> new ChangeRows(own.tables()))
                .hasMessage(
                        "configuration table.CustomerOrders / column.Keys: the archive has"
                                + " a column keys of its own; rename the column");
    }
}
