package io.changeviews.job.archive;

import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where each archived dataset's records go: Parquet files in the job ({@link
 * ParquetArchive#parquet}), anything in a test.
 */
@FunctionalInterface
public interface ArchiveSinks {
    Sink<GenericRecord> sink(ArchivedDataset dataset);
}
