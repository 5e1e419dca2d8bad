package io.changeviews.job.archive;

import io.changeviews.connectors.archive.AvroRowSchema;
import io.changeviews.connectors.archive.ParquetDatasetSink;
import java.io.Serializable;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.table.types.logical.RowType;

/**
 * One Parquet dataset of the archive: its name, columns, the tables it has partitions for, and its
 * folder.
 */
public final class ArchivedDataset implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The Hive partition columns, in folder order. */
    public static final List<String> PARTITION_COLUMNS = List.of("table", "dt", "hr");

    private final String name;
    private final RowType columns;
    private final List<String> tables;
    private final String basePath;

    ArchivedDataset(String name, RowType columns, List<String> tables, String basePath) {
        this.name = name;
        this.columns = columns;
        this.tables = List.copyOf(tables);
        this.basePath = basePath;
    }

    public String name() {
        return name;
    }

    /** The columns stored in the Parquet files (the partition columns come from the folders). */
    public RowType columns() {
        return columns;
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
