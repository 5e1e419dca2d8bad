package io.changeviews.local.benchmark;

import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import io.changeviews.local.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The benchmark's archive section: Parquet rows/s and bytes per row of the changes dataset, beside
 * the records' JSON size.
 */
final class ParquetBenchmark {
    static final long CHECKPOINT_INTERVAL_MS = 2_000;

    final int records;

    /** Every how many checkpoints the parts are compacted, 0 for never. */
    final int compactionCheckpoints;

    /** From submission to the job's end. */
    final double seconds;

    /** The rows DuckDB counts in the committed parts. */
    final String rows;

    final long parquetBytes;
    final long parts;

    /** The records' own size, KDS-for-DynamoDB JSON. */
    final long jsonBytes;

    private ParquetBenchmark(
            int records,
            int compactionCheckpoints,
            double seconds,
            String rows,
            long parquetBytes,
            long parts,
            long jsonBytes) {
        this.records = records;
        this.compactionCheckpoints = compactionCheckpoints;
        this.seconds = seconds;
        this.rows = rows;
        this.parquetBytes = parquetBytes;
        this.parts = parts;
        this.jsonBytes = jsonBytes;
    }

    /**
     * The encoded KDS records through decode and the changes dataset's Parquet FileSink as
     * kda-app.json configures it (MiniCluster, local folder, checkpoints committing the parts),
     * counted back with DuckDB.
     */
    static ParquetBenchmark measure(byte[][] encoded) throws Exception {
        Path warehouse = Files.createTempDirectory("changeviews-parquet-benchmark");
        try (EncodedFeed feed = new EncodedFeed(encoded)) {
            JobConfig config =
                    JobConfig.from(
                            ApplicationProperties.withOverrides(
                                    ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                    Map.of(
                                            ArchiveConfig.GROUP,
                                            ArchiveConfig.pathOverride(warehouse.toString()))));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(BenchmarkOptions.PARALLELISM);
            env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
            ParquetArchive.changes(
                    config,
                    feed.decoded(env, "Pre-encoded KDS records", "parquet-benchmark"),
                    dataset -> ParquetArchive.parquet(config.archive(), dataset));
            // Executing clears the environment's transformations, and with them the list of
            // datasets.
            List<ArchivedDataset> datasets = ParquetArchive.datasets(env);
            long t0 = System.nanoTime();
            env.execute("changeviews-parquet-benchmark");
            double seconds = Progress.secondsSince(t0);

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
            return new ParquetBenchmark(
                    encoded.length,
                    config.archive().compactionCheckpoints(),
                    seconds,
                    rows,
                    parquetBytes,
                    parts,
                    jsonBytes);
        } finally {
            try (Stream<Path> files = Files.walk(warehouse)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
