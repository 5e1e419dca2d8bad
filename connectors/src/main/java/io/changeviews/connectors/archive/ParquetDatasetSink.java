package io.changeviews.connectors.archive;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * The FileSink of one Parquet dataset: Snappy-compressed Parquet parts of Avro records under {@code
 * <base>/<dataset>/<partition>/part-<uuid>-<subtask>-<n>.parquet}, rolled on each checkpoint (and
 * at a size cap) and committed when the checkpoint completes, so the dataset is exactly once; the
 * same sink writes to {@code s3://} and to a local folder.
 */
public final class ParquetDatasetSink {
    /**
     * Suffix of committed parts; in-progress parts are hidden files ({@code .part-…inprogress…})
     * that readers skip.
     */
    public static final String PART_SUFFIX = ".parquet";

    private ParquetDatasetSink() {}

    /**
     * @param compactEveryCheckpoints 0 for none; else the parts of each partition are merged into
     *     one {@code compacted-part-….parquet} every that many checkpoints (or once they reach
     *     {@code maxPartBytes}); until then they stay hidden ({@code .part-…}), so compaction
     *     delays visibility
     */
    public static FileSink<GenericRecord> create(
            String basePath,
            String dataset,
            Schema schema,
            BucketAssigner<GenericRecord, String> partitions,
            long maxPartBytes,
            int compactEveryCheckpoints) {
        FileSink.DefaultBulkFormatBuilder<GenericRecord> builder =
                FileSink.forBulkFormat(
                                new Path(datasetPath(basePath, dataset)),
                                new ParquetWriterFactory<>(
                                        new SnappyAvroBuilder(schema.toString())))
                        .withBucketAssigner(partitions)
                        .withRollingPolicy(new PartSizeRollingPolicy(maxPartBytes))
                        .withOutputFileConfig(
                                OutputFileConfig.builder()
                                        .withPartPrefix("part")
                                        .withPartSuffix(PART_SUFFIX)
                                        .build());
        if (compactEveryCheckpoints > 0) {
            builder =
                    builder.enableCompact(
                            FileCompactStrategy.Builder.newBuilder()
                                    .enableCompactionOnCheckpoint(compactEveryCheckpoints)
                                    .setSizeThreshold(maxPartBytes)
                                    .build(),
                            new RecordWiseFileCompactor<>(new ParquetPartReader.Factory(schema)));
        }
        return builder.build();
    }

    /** Where a dataset's partitions live under the archive's base path. */
    public static String datasetPath(String basePath, String dataset) {
        return basePath.replaceAll("/+$", "") + "/" + dataset;
    }

    /**
     * Opens Avro-model Parquet writers with Snappy, which Athena reads natively and which costs
     * little CPU.
     */
    private static final class SnappyAvroBuilder implements ParquetBuilder<GenericRecord> {
        private static final long serialVersionUID = 1L;

        private final String schemaJson;

        SnappyAvroBuilder(String schemaJson) {
            this.schemaJson = schemaJson;
        }

        @Override
        public ParquetWriter<GenericRecord> createWriter(OutputFile out) throws IOException {
            return AvroParquetWriter.<GenericRecord>builder(out)
                    .withSchema(new Schema.Parser().parse(schemaJson))
                    .withDataModel(GenericData.get())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .build();
        }
    }
}
