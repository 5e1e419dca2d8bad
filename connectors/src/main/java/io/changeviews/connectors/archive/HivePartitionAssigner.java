package io.changeviews.connectors.archive;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Puts each record into its Hive-style partition folder {@code table=<name>/dt=YYYY-MM-DD/hr=HH},
 * from the record's change time in UTC, so Athena and Glue prune by partition; or, for a snapshot's
 * items, {@code table=<name>/snapshot=<start>} with the snapshot's start in UTC as {@value
 * #SNAPSHOT_PATTERN} (ISO 8601 basic: sortable as text, and no colon, which Hadoop paths do not
 * allow). The table is fixed per dataset or read from a field of the record.
 */
public final class HivePartitionAssigner implements BucketAssigner<GenericRecord, String> {
    private static final long serialVersionUID = 1L;

    /** Hive's name for a partition whose value is NULL. */
    static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    /** The form of a snapshot's start in its partition's name, a {@link DateTimeFormatter}'s. */
    public static final String SNAPSHOT_PATTERN = "yyyyMMdd'T'HHmmss.SSS'Z'";

    private static final DateTimeFormatter HOURLY =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter SNAPSHOT =
            DateTimeFormatter.ofPattern("'snapshot='" + SNAPSHOT_PATTERN).withZone(ZoneOffset.UTC);

    private final String fixedTable;
    private final String tableField;
    private final String timeField;
    private final boolean micros;
    private final boolean snapshot;

    private HivePartitionAssigner(
            String fixedTable,
            String tableField,
            String timeField,
            Schema schema,
            boolean snapshot) {
        this.fixedTable = fixedTable;
        this.tableField = tableField;
        this.timeField = timeField;
        this.snapshot = snapshot;
        Schema.Field time = schema.getField(timeField);
        if (time == null) {
            throw new IllegalArgumentException(
                    "the dataset has no field " + timeField + " to partition by");
        }
        Schema timeType = AvroRowSchema.nonNull(time.schema());
        if (!(timeType.getLogicalType() instanceof LogicalTypes.TimestampMillis
                || timeType.getLogicalType() instanceof LogicalTypes.TimestampMicros)) {
            throw new IllegalArgumentException(
                    "field " + timeField + " must be a timestamp to partition by, got " + timeType);
        }
        this.micros = timeType.getLogicalType() instanceof LogicalTypes.TimestampMicros;
        if (tableField != null && schema.getField(tableField) == null) {
            throw new IllegalArgumentException(
                    "the dataset has no field " + tableField + " to partition by");
        }
    }

    /** Partitions of one table's records. */
    public static HivePartitionAssigner forTable(String table, String timeField, Schema schema) {
        return new HivePartitionAssigner(table, null, timeField, schema, false);
    }

    /** Partitions by the table named in each record's {@code tableField}. */
    public static HivePartitionAssigner byTableField(
            String tableField, String timeField, Schema schema) {
        return new HivePartitionAssigner(null, tableField, timeField, schema, false);
    }

    /**
     * Partitions {@code table=<tableField>/snapshot=<startField>} of a snapshot's items, by the
     * table each record names and the start of the snapshot that read it.
     */
    public static HivePartitionAssigner bySnapshot(
            String tableField, String startField, Schema schema) {
        return new HivePartitionAssigner(null, tableField, startField, schema, true);
    }

    @Override
    public String getBucketId(GenericRecord record, Context context) {
        Object table = fixedTable != null ? fixedTable : record.get(tableField);
        Object time = record.get(timeField);
        String timePart;
        if (time == null) {
            timePart =
                    snapshot
                            ? "snapshot=" + NULL_PARTITION
                            : "dt=" + NULL_PARTITION + "/hr=" + NULL_PARTITION;
        } else {
            Instant instant =
                    micros
                            ? Instant.EPOCH.plus((Long) time, ChronoUnit.MICROS)
                            : Instant.ofEpochMilli((Long) time);
            timePart = (snapshot ? SNAPSHOT : HOURLY).format(instant);
        }
        return "table=" + (table == null ? NULL_PARTITION : table) + "/" + timePart;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "table="
                + (fixedTable != null ? fixedTable : "<" + tableField + ">")
                + (snapshot
                        ? "/snapshot=<" + timeField + " UTC>"
                        : "/dt=<" + timeField + " UTC>/hr=<" + timeField + " UTC>");
    }
}
