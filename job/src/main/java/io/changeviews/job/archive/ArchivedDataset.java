package io.changeviews.job.archive;

import io.changeviews.connectors.archive.AvroRowSchema;
import io.changeviews.connectors.archive.ParquetDatasetSink;
import java.io.Serializable;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.table.types.logical.RowType;

/**
 * One Parquet dataset of the archive: its name, columns, the tables it has partitions for, how it
 * is partitioned, and its folder.
 */
public final class ArchivedDataset implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How a dataset's folders are partitioned (Hive style). */
    public enum Partitioning {
        /** {@code table=<name>/dt=YYYY-MM-DD/hr=HH}, from each row's change time in UTC. */
        HOURLY(List.of("table", "dt", "hr")),
        /** {@code table=<name>/snapshot=<start>}, from the start of the snapshot that read it. */
        SNAPSHOT(List.of("table", "snapshot"));

        private final List<String> columns;

        Partitioning(List<String> columns) {
            this.columns = columns;
        }

        /** The partition columns, in folder order. */
        public List<String> columns() {
            return columns;
        }
    }

    private final String name;
    private final RowType columns;
    private final List<String> tables;
    private final Partitioning partitioning;
    private final String basePath;

    ArchivedDataset(
            String name,
            RowType columns,
            List<String> tables,
            Partitioning partitioning,
            String basePath) {
        this.name = name;
        this.columns = columns;
        this.tables = List.copyOf(tables);
        this.partitioning = partitioning;
        this.basePath = basePath;
    }

    public String name() {
        return name;
    }

    /** The columns stored in the Parquet files (the partition columns come from the folders). */
    public RowType columns() {
        return columns;
    }

    public Partitioning partitioning() {
        return partitioning;
    }

    /** The values of the {@code table} partition. */
    public List<String> tables() {
        return tables;
    }

    /** The dataset's folder: {@code <archive path>/<name>}. */
    public String location() {
        return ParquetDatasetSink.datasetPath(basePath, name);
    }

    public Schema avroSchema() {
        return AvroRowSchema.of(name, columns);
    }

    @Override
    public String toString() {
        return name + " " + columns + " at " + location();
    }
}
