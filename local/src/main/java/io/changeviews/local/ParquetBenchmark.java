package io.changeviews.local;

import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.source.ChangeRecordDeserializationSchema;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The benchmark's archive section: the same encoded KDS records through decode and the changes
 * dataset's Parquet FileSink as kda-app.json configures it (MiniCluster, local folder, checkpoints
 * committing the parts), with rows/s and Parquet bytes per row beside the records' JSON size.
 */
final class ParquetBenchmark {
    private static final long CHECKPOINT_INTERVAL_MS = 2_000;

    // The MiniCluster runs in this JVM and reads the records from here, as the benchmark's own
    // source does.
    private static volatile byte[][] records;

    private ParquetBenchmark() {}

    /** Runs the section; returns its report lines. */
    static String run(byte[][] encoded, int parallelism) throws Exception {
        Path warehouse = Files.createTempDirectory("changeviews-parquet-benchmark");
        try {
            records = encoded;
            JobConfig config =
                    JobConfig.from(
                            ApplicationProperties.withOverrides(
                                    ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                    Map.of(
                                            ArchiveConfig.GROUP,
                                            ArchiveConfig.pathOverride(warehouse.toString()))));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(parallelism);
            env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
            ParquetArchive.changes(
                    config,
                    env.fromSource(
                                    new DataGeneratorSource<>(
                                            new PreEncoded(),
                                            encoded.length,
                                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                    WatermarkStrategy.noWatermarks(),
                                    "Pre-encoded KDS records")
                            .map(new Decode(), TypeInformation.of(DecodeResult.class)),
                    dataset -> ParquetArchive.parquet(config.archive(), dataset));
            // Executing clears the environment's transformations, and with them the list of
            // datasets.
            List<ArchivedDataset> datasets = ParquetArchive.datasets(env);
            long t0 = System.nanoTime();
            env.execute("changeviews-parquet-benchmark");
            double seconds = (System.nanoTime() - t0) / 1e9;

            long jsonBytes = 0;
            for (byte[] r : encoded) {
                jsonBytes += r.length;
            }
            long parquetBytes = 0;
            long parts = 0;
            try (Stream<Path> files = Files.walk(warehouse)) {
                for (Path f : (Iterable<Path>) files.filter(Warehouse::isCommittedPart)::iterator) {
                    parquetBytes += Files.size(f);
                    parts++;
                }
            }
            String rows;
            try (Warehouse w = Warehouse.open(warehouse, datasets)) {
                rows = w.query("SELECT count(*) FROM changes").get(1).get(0);
            }
            double n = encoded.length;
            int every = config.archive().compactionCheckpoints();
            String compaction =
                    every == 0 ? "off" : "every " + every + " checkpoints as kda-app.json sets it";
            return String.format(
                    Locale.ROOT,
                    "Parquet archive (changes dataset, %,d records, parallelism %d, checkpoints"
                        + " every %d ms, Snappy, compaction %s):%n  rows/s through decode + Parquet"
                        + " FileSink, end to end incl. job start: %,.0f (%,d rows in %.1f s; DuckDB"
                        + " counts %s)%n  Parquet bytes per row: %.1f (%,d bytes in %,d parts)%n "
                        + " JSON bytes per row of the same KDS-for-DynamoDB records: %.1f (Parquet"
                        + " is %.1f%% of it)",
                    encoded.length,
                    parallelism,
                    CHECKPOINT_INTERVAL_MS,
                    compaction,
                    n / seconds,
                    encoded.length,
                    seconds,
                    rows,
                    parquetBytes / n,
                    parquetBytes,
                    parts,
                    jsonBytes / n,
                    100.0 * parquetBytes / jsonBytes);
        } finally {
            records = null;
            try (Stream<Path> files = Files.walk(warehouse)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Hands out the pre-encoded record at the source's index. */
    private static final class PreEncoded implements GeneratorFunction<Long, byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] map(Long index) {
            return records[index.intValue()];
        }
    }

    /** Decodes as the Kinesis source does. */
    private static final class Decode implements MapFunction<byte[], DecodeResult> {
        private static final long serialVersionUID = 1L;

        private final ChangeRecordDeserializationSchema schema =
                new ChangeRecordDeserializationSchema("benchmark", null);
        private long sequence;

        @Override
        public DecodeResult map(byte[] record) {
            return schema.deserialize(
                    record,
                    "",
                    Long.toString(++sequence),
                    0L,
                    "parquet-benchmark",
                    "shardId-benchmark");
        }
    }
}
