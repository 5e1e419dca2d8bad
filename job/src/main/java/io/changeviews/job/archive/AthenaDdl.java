package io.changeviews.job.archive;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The Athena {@code CREATE EXTERNAL TABLE} statement of an archived dataset: Parquet, partitioned
 * by {@code table}, {@code dt} and {@code hr} with partition projection (no crawler or {@code MSCK
 * REPAIR} needed; {@code table} is an enum of the dataset's tables, {@code dt} a date range from
 * {@code since} to now, {@code hr} 00 to 23). The snapshots, partitioned by {@code table} and
 * {@code snapshot}, have no projection (a snapshot's start can be any millisecond, and there are
 * few): their statement is followed by the {@code MSCK REPAIR TABLE} that loads their partitions,
 * to run again after each bootstrap.
 */
public final class AthenaDdl {
    private AthenaDdl() {}

    /**
     * @param location the dataset's S3 folder, e.g. {@code s3://bucket/changeviews/changes}
     */
    public static String createTable(ArchivedDataset dataset, String location, LocalDate since) {
        String folder = location.replaceAll("/+$", "").replaceFirst("^s3a://", "s3://") + "/";
        List<String> columns = new ArrayList<>();
        for (RowType.RowField f : dataset.columns().getFields()) {
            columns.add("  `" + f.getName() + "` " + athenaType(f.getType()));
        }
        String create =
                "CREATE EXTERNAL TABLE IF NOT EXISTS `"
                        + dataset.name()
                        + "` (\n"
                        + String.join(",\n", columns)
                        + "\n)\n";
        if (dataset.partitioning() == ArchivedDataset.Partitioning.SNAPSHOT) {
            return create
                    + "PARTITIONED BY (`table` string, `snapshot` string)\n"
                    + "STORED AS PARQUET\n"
                    + "LOCATION '"
                    + folder
                    + "'\n"
                    + "TBLPROPERTIES ('parquet.compression' = 'SNAPPY');\n"
                    + "-- After each bootstrap, load the new snapshot's partitions:\n"
                    + "MSCK REPAIR TABLE `"
                    + dataset.name()
                    + "`;";
        }
        return create
                + "PARTITIONED BY (`table` string, `dt` string, `hr` string)\n"
                + "STORED AS PARQUET\n"
                + "LOCATION '"
                + folder
                + "'\n"
                + "TBLPROPERTIES (\n"
                + "  'parquet.compression' = 'SNAPPY',\n"
                + "  'projection.enabled' = 'true',\n"
                + "  'projection.table.type' = 'enum',\n"
                + "  'projection.table.values' = '"
                + String.join(",", dataset.tables())
                + "',\n"
                + "  'projection.dt.type' = 'date',\n"
                + "  'projection.dt.format' = 'yyyy-MM-dd',\n"
                + "  'projection.dt.range' = '"
                + since
                + ",NOW',\n"
                + "  'projection.dt.interval' = '1',\n"
                + "  'projection.dt.interval.unit' = 'DAYS',\n"
                + "  'projection.hr.type' = 'integer',\n"
                + "  'projection.hr.range' = '0,23',\n"
                + "  'projection.hr.digits' = '2',\n"
                + "  'storage.location.template' = '"
                + folder
                + "table=${table}/dt=${dt}/hr=${hr}/'\n"
                + ");";
    }

    static String athenaType(LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return "string";
            case BOOLEAN:
                return "boolean";
            case TINYINT:
            case SMALLINT:
            case INTEGER:
                return "int";
            case BIGINT:
                return "bigint";
            case FLOAT:
                return "float";
            case DOUBLE:
                return "double";
            case DECIMAL:
                DecimalType d = (DecimalType) type;
                return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
            case DATE:
                return "date";
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return "timestamp";
            default:
                throw new IllegalArgumentException("no Athena type for " + type);
        }
    }
}
