package io.changeviews.local.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.connectors.ddb.InvalidAttributeException;
import io.changeviews.connectors.snapshot.ExportManifest;
import io.changeviews.job.config.JobConfig;
import io.changeviews.local.ExportWriter;
import io.changeviews.local.LocalDynamoDb;
import io.changeviews.local.LocalTables;
import io.changeviews.local.SampleData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The bootstrap's speed: a table's Scan snapshot, and an export of it in a local folder, through
 * the job (parallelism 2, with a few stream changes after them) until its views are written, next
 * to a bare single-thread Scan loop over the same table and a bare single-thread read of the same
 * export files, the limits of what the source serves.
 */
final class BootstrapBenchmark {
    /** The page size of the bare loop and of the job's scan (the job's default). */
    static final int PAGE_SIZE = 1000;

    /** Data files of the export, a few per parallel reader as DynamoDB writes them. */
    private static final int EXPORT_FILES = 8;

    /** High enough that the read-capacity budget never paces the measured scan. */
    private static final String UNPACED_RCU_PER_SECOND = "1000000";

    final int items;
    final int streamChanges;
    final int totalSegments;
    final int exportFiles;
    final double bareScanSeconds;
    final Run scan;
    final double bareExportSeconds;
    final Run export;

    private BootstrapBenchmark(
            int items,
            int streamChanges,
            int totalSegments,
            int exportFiles,
            double bareScanSeconds,
            Run scan,
            double bareExportSeconds,
            Run export) {
        this.items = items;
        this.streamChanges = streamChanges;
        this.totalSegments = totalSegments;
        this.exportFiles = exportFiles;
        this.bareScanSeconds = bareScanSeconds;
        this.scan = scan;
        this.bareExportSeconds = bareExportSeconds;
        this.export = export;
    }

    /**
     * Fills {@code Order_by_item} with {@code items} orders over {@code itemNumbers} items, scans
     * it bare, then bootstraps the job from it with 1 % of the orders updated on the stream; then
     * the same from an export of the table.
     */
    static BootstrapBenchmark measure(
            LocalDynamoDb dynamoDb, int items, int itemNumbers, Progress progress)
            throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        LocalTables.createSourceTables(ddb, false);
        Random random = new Random(BenchmarkOptions.SEED);
        List<Order> orders = new ArrayList<>();
        List<Map<String, DdbValue>> images = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            Order o =
                    new Order(
                            "snap-" + i,
                            Workload.orderDate(random),
                            Workload.item(random, itemNumbers),
                            1 + i % 20);
            orders.add(o);
            images.add(AttributeCodec.fromSdk(o.image()));
        }
        progress.print(String.format(Locale.ROOT, "bootstrap: writing %,d orders", items));
        LocalTables.writeItems(ddb, SampleData.ORDERS, images);

        double bareScanSeconds = bareScan(ddb, items, progress);

        // Newer than any snapshot item: these updates must replace the scanned images.
        Instant later = Instant.now().plusSeconds(3_600);
        int streamChanges = Math.max(1, items / 100);
        byte[][] records = new byte[streamChanges][];
        for (int j = 0; j < streamChanges; j++) {
            int k = random.nextInt(items);
            Order before = orders.get(k);
            Order after = new Order(before.id, before.date, before.item, before.quantity + 1_000);
            orders.set(k, after);
            records[j] =
                    Order.encode(
                            "bootstrap-" + j,
                            ChangeType.MODIFY,
                            later.plusMillis(j),
                            before,
                            after);
        }
        Map<String, Long> expectedSums = new HashMap<>();
        for (Order o : orders) {
            expectedSums.merge(o.item + "|" + o.day(), (long) o.quantity, Long::sum);
        }

        JobConfig scanConfig =
                config(
                        dynamoDb,
                        Map.of(
                                JobConfig.TABLE_SNAPSHOT,
                                "scan",
                                JobConfig.SNAPSHOT_PAGE_SIZE,
                                Integer.toString(PAGE_SIZE),
                                JobConfig.SNAPSHOT_RCU_PER_SECOND,
                                UNPACED_RCU_PER_SECOND));
        int totalSegments =
                scanConfig
                        .snapshotTables()
                        .get(0)
                        .snapshot()
                        .totalSegments(BenchmarkOptions.PARALLELISM);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "bootstrap: the job scans %,d orders in %d segments (parallelism %d),"
                                + " %,d stream updates after the snapshot",
                        items,
                        totalSegments,
                        BenchmarkOptions.PARALLELISM,
                        streamChanges));
        Run scan = throughJob(ddb, scanConfig, records, expectedSums, progress);

        Path exportRoot = Files.createTempDirectory("changeviews-benchmark-export");
        ExportWriter.Export export =
                new ExportWriter(ddb, EXPORT_FILES)
                        .toFolder(SampleData.ORDERS, exportRoot, "benchmark");
        double bareExportSeconds = bareExportRead(export, progress);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "bootstrap: the job reads the export's %d files (parallelism %d), the same"
                                + " stream updates after it",
                        export.files,
                        BenchmarkOptions.PARALLELISM));
        Run exported =
                throughJob(
                        ddb,
                        config(
                                dynamoDb,
                                Map.of(
                                        JobConfig.TABLE_SNAPSHOT,
                                        "export",
                                        JobConfig.SNAPSHOT_EXPORT_LOCATION,
                                        export.location)),
                        records,
                        expectedSums,
                        progress);
        return new BootstrapBenchmark(
                items,
                streamChanges,
                totalSegments,
                export.files,
                bareScanSeconds,
                scan,
                bareExportSeconds,
                exported);
    }

    /** The job's seconds from submission to every view written, and its check of the view. */
    static final class Run {
        final double seconds;
        final String check;

        Run(double seconds, String check) {
            this.seconds = seconds;
            this.check = check;
        }
    }

    /** The shipped configuration with {@code Order_by_item} bootstrapped as {@code snapshot}. */
    private static JobConfig config(LocalDynamoDb dynamoDb, Map<String, String> snapshot)
            throws Exception {
        Map<String, Map<String, String>> overrides = new HashMap<>();
        overrides.put(JobConfig.TABLE_PREFIX + SampleData.ORDERS, snapshot);
        return JobUnderTest.config(dynamoDb.endpoint(), null, overrides);
    }

    /**
     * Bootstraps the job as {@code config} says, followed by the stream {@code records}, into fresh
     * view tables; checks the measured view.
     */
    private static Run throughJob(
            DynamoDbClient ddb,
            JobConfig config,
            byte[][] records,
            Map<String, Long> expectedSums,
            Progress progress)
            throws Exception {
        double seconds;
        try (EncodedFeed feed = new EncodedFeed(records)) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(BenchmarkOptions.PARALLELISM);
            JobUnderTest.buildFed(env, config, feed, ddb);
            long t0 = System.nanoTime();
            env.execute("changeviews-bootstrap-benchmark");
            seconds = Progress.secondsSince(t0);
        }
        progress.print(String.format(Locale.ROOT, "bootstrap: job done in %.1f s", seconds));
        return new Run(seconds, EndToEnd.verify(ddb, expectedSums, progress));
    }

    /** One thread reading the export's files: gunzip, JSON, the item decoded as the job does. */
    private static double bareExportRead(ExportWriter.Export export, Progress progress)
            throws IOException, InvalidAttributeException {
        ObjectMapper json = new ObjectMapper();
        long t0 = System.nanoTime();
        long read = 0;
        for (ExportManifest.DataFile file :
                ExportManifest.read(export.location, SampleData.ORDERS).dataFiles()) {
            try (BufferedReader lines =
                    new BufferedReader(
                            new InputStreamReader(
                                    new GZIPInputStream(
                                            Files.newInputStream(
                                                    Paths.get(URI.create(file.path())))),
                                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    JsonNode item = json.readTree(line).get("Item");
                    read += AttributeCodec.itemFromJson(item, "Item").isEmpty() ? 0 : 1;
                }
            }
        }
        double seconds = Progress.secondsSince(t0);
        if (read != export.items) {
            throw new IllegalStateException("the bare read found " + read + " of " + export.items);
        }
        progress.print(
                String.format(
                        Locale.ROOT,
                        "bootstrap: bare read of the export's %d files: %,d items in %.1f s = %s"
                                + " items/s",
                        export.files,
                        read,
                        seconds,
                        Report.rate(read / seconds)));
        return seconds;
    }

    /**
     * One thread, sync Scan pages of {@value #PAGE_SIZE}, items decoded as the job decodes them.
     */
    private static double bareScan(DynamoDbClient ddb, int items, Progress progress) {
        long t0 = System.nanoTime();
        long read = 0;
        for (var page : ddb.scanPaginator(b -> b.tableName(SampleData.ORDERS).limit(PAGE_SIZE))) {
            for (var item : page.items()) {
                read += AttributeCodec.fromSdk(item).size() > 0 ? 1 : 0;
            }
        }
        double seconds = Progress.secondsSince(t0);
        if (read != items) {
            throw new IllegalStateException("the bare scan read " + read + " of " + items);
        }
        progress.print(
                String.format(
                        Locale.ROOT,
                        "bootstrap: bare Scan loop read %,d items in %.1f s = %s items/s",
                        read,
                        seconds,
                        Report.rate(read / seconds)));
        return seconds;
    }
}
