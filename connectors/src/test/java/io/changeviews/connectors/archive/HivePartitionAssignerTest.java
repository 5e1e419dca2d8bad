package io.changeviews.connectors.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Hive partition folders from the change time, in UTC. */
class HivePartitionAssignerTest {
    private static RowType type(int timePrecision) {
        return new RowType(
                List.of(
                        new RowType.RowField("table_name", VarCharType.STRING_TYPE),
                        new RowType.RowField(
                                "change_time", new LocalZonedTimestampType(timePrecision))));
    }

    private static GenericData.Record record(RowType type, String table, Instant time) {
        return (GenericData.Record)
                new RowToAvro(type, AvroRowSchema.of("t", type)).convert(Row.of(table, time));
    }

    @Test
    void partitionsAreTheUtcDateAndHourOfTheChangeTime() {
        RowType millis = type(3);
        Schema schema = AvroRowSchema.of("t", millis);
        HivePartitionAssigner byField =
                HivePartitionAssigner.byTableField("table_name", "change_time", schema);
        assertThat(
                        byField.getBucketId(
                                record(millis, "Orders", Instant.parse("2026-11-21T23:59:59.999Z")),
                                null))
                .isEqualTo("table=Orders/dt=2026-11-21/hr=23");
        assertThat(
                        byField.getBucketId(
                                record(millis, "Orders", Instant.parse("2026-11-22T00:00:00Z")),
                                null))
                .isEqualTo("table=Orders/dt=2026-11-22/hr=00");
        assertThat(
                        HivePartitionAssigner.forTable("reviews", "change_time", schema)
                                .getBucketId(
                                        record(
                                                millis,
                                                "ignored",
                                                Instant.parse("2026-01-02T03:04:05Z")),
                                        null))
                .isEqualTo("table=reviews/dt=2026-01-02/hr=03");
        assertThat(byField.getBucketId(record(millis, "Orders", null), null))
                .isEqualTo(
                        "table=Orders/dt=__HIVE_DEFAULT_PARTITION__/hr=__HIVE_DEFAULT_PARTITION__");
    }

    @Test
    void microsecondTimestampsPartitionTheSame() {
        RowType micros = type(6);
        Schema schema = AvroRowSchema.of("t", micros);
        GenericData.Record r =
                record(micros, "Orders", Instant.parse("2026-11-21T22:59:59.999999Z"));
        assertThat(r.get("change_time")).isEqualTo(1_795_301_999_999_999L);
        assertThat(
                        HivePartitionAssigner.byTableField("table_name", "change_time", schema)
                                .getBucketId(r, null))
                .isEqualTo("table=Orders/dt=2026-11-21/hr=22");
    }

    @Test
    void aSnapshotsPartitionIsItsStartInUtcSortableAsText() {
        RowType millis = type(3);
        HivePartitionAssigner bySnapshot =
                HivePartitionAssigner.bySnapshot(
                        "table_name", "change_time", AvroRowSchema.of("t", millis));
        String early =
                bySnapshot.getBucketId(
                        record(millis, "Orders", Instant.parse("2026-11-21T09:05:07.250Z")), null);
        String late =
                bySnapshot.getBucketId(
                        record(millis, "Orders", Instant.parse("2026-11-21T10:00:00Z")), null);
        assertThat(early).isEqualTo("table=Orders/snapshot=20261121T090507.250Z");
        assertThat(late).isEqualTo("table=Orders/snapshot=20261121T100000.000Z");
        assertThat(early).isLessThan(late);
    }

    @Test
    void theTimeFieldMustExistAndBeATimestamp() {
        Schema schema = AvroRowSchema.of("t", type(3));
        assertThatThrownBy(() -> HivePartitionAssigner.forTable("x", "updated_at", schema))
                .hasMessageContaining("no field updated_at");
        assertThatThrownBy(() -> HivePartitionAssigner.forTable("x", "table_name", schema))
                .hasMessageContaining("must be a timestamp");
    }
}
