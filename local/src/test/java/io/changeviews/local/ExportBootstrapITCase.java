package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.job.AwsPipelineIo;
import io.changeviews.job.config.JobConfig;
import io.changeviews.local.BootstrapKit.Job;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A table bootstrapped from a DynamoDB export (MiniCluster, parallelism 2, DynamoDB Local,
 * kinesis-mock, s3proxy): {@value #ITEMS} items of {@code Order_by_item}, exported in the export
 * layout to S3 in several data files; then random puts, updates and deletes (of exported items
 * too), all after the export time, streamed to Kinesis before and while the job reads the export.
 * Every view's table equals a recomputation from a final scan, no view is written while the export
 * is read, and the snapshot read exactly the export's items. A second run reads an export of the
 * same table in a local folder.
 */
class ExportBootstrapITCase {
    private static final String ORDERS = SampleData.ORDERS;
    static final String BUCKET = "exports";
    private static final int ITEMS = 20_000;
    private static final int DATA_FILES = 7;

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void viewsOfATableBootstrappedFromAnExportOnS3AreExact(@TempDir Path work) throws Exception {
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start();
                KinesisMock kinesis = KinesisMock.start();
                S3Proxy s3 = S3Proxy.start(work.resolve("s3proxy"), BUCKET);
                S3Client s3Client = s3.client()) {
            configureS3(s3);
            DynamoDbClient ddb = dynamoDb.client();
            LocalTables.createSourceTables(ddb);
            SampleData data = new SampleData(7, List.of(ORDERS));
            while (data.items(ORDERS).size() < ITEMS) {
                data.next();
            }
            // Straight into the table: its stream is never relayed.
            LocalTables.writeItems(ddb, ORDERS, data.items(ORDERS));
            ExportWriter.Export export =
                    new ExportWriter(ddb, DATA_FILES).toS3(ORDERS, s3Client, BUCKET, "ddb");
            assertThat(export.items).isEqualTo(data.items(ORDERS).size());
            assertThat(export.location).startsWith("s3://" + BUCKET + "/ddb/AWSDynamoDB/");

            // Run 1, from S3: changes made after the export, some before the job runs (the
            // stream starts at the export time), more while it reads the export, more after.
            JobConfig config = config(kinesis, dynamoDb, "export-1", export.location);
            LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
            Job job = Job.build(config, new AwsPipelineIo(config), ddb, METRICS);
            Map<String, Map<String, String>> heldViewsSeen = new HashMap<>();
            List<ChangeEvent> changes =
                    new ArrayList<>(
                            BootstrapKit.makeChanges(
                                    kinesis.client(),
                                    ddb,
                                    "export-1",
                                    upTo(100),
                                    data::next,
                                    heldViewsSeen));
            assertThat(heldViewsSeen).isEmpty();
            job.run();
            changes.addAll(
                    BootstrapKit.makeChanges(
                            kinesis.client(),
                            ddb,
                            "export-1",
                            () -> job.gauge("snapshotDone") != 1,
                            data::next,
                            heldViewsSeen));
            assertThat(heldViewsSeen)
                    .as("no view is written while its tables are snapshotted")
                    .isEmpty();
            changes.addAll(
                    BootstrapKit.makeChanges(
                            kinesis.client(),
                            ddb,
                            "export-1",
                            upTo(100),
                            data::next,
                            new HashMap<>()));
            assertThat(changes.stream().filter(c -> c.type() != ChangeType.INSERT).count())
                    .as("updates and deletes, of exported items too")
                    .isGreaterThan(50);
            job.awaitViews(ddb, changes);
            assertThat(job.gauge("snapshotSegmentsTotal")).isEqualTo(DATA_FILES);
            assertThat(job.gauge("snapshotItemsRead")).isEqualTo(export.items);
            job.cancel();

            // Run 2, from a local folder: an export of the table as it is now.
            job.deleteTargetTables(ddb);
            ExportWriter.Export local =
                    new ExportWriter(ddb, 3).toFolder(ORDERS, work.resolve("local-export"), "");
            JobConfig fromFolder = config(kinesis, dynamoDb, "export-2", local.location);
            Job second = Job.start(fromFolder, new AwsPipelineIo(fromFolder), ddb, METRICS);
            List<ChangeEvent> later =
                    BootstrapKit.makeChanges(
                            kinesis.client(),
                            ddb,
                            "export-2",
                            () -> second.gauge("snapshotDone") != 1,
                            data::next,
                            heldViewsSeen);
            assertThat(heldViewsSeen).isEmpty();
            second.awaitViews(ddb, later);
            assertThat(second.gauge("snapshotItemsRead")).isEqualTo(local.items);
            second.cancel();
        }
    }

    /** True for the first {@code n} asks. */
    private static BooleanSupplier upTo(int n) {
        AtomicInteger left = new AtomicInteger(n);
        return () -> left.getAndDecrement() > 0;
    }

    /**
     * The Flink configuration of a cluster reading from this S3 server: the {@code s3.*} options
     * reach Flink's S3 filesystem when its filesystems are initialized.
     */
    private static void configureS3(S3Proxy s3) {
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", AwsCallLog.relayed(s3.endpoint()));
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", S3Proxy.ACCESS_KEY);
        conf.setString("s3.secret-key", S3Proxy.SECRET_KEY);
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
    }

    /** The shipped configuration on the emulators, {@code Order_by_item} from the export. */
    private static JobConfig config(
            KinesisMock kinesis, LocalDynamoDb dynamoDb, String stream, String location)
            throws Exception {
        kinesis.createStream(stream, 2);
        Map<String, Map<String, String>> extra = new HashMap<>();
        extra.put(JobConfig.SOURCE, Map.of(JobConfig.INITIAL_POSITION, "LATEST"));
        extra.put(
                JobConfig.TABLE_PREFIX + ORDERS,
                Map.of(
                        JobConfig.TABLE_SNAPSHOT, "export",
                        JobConfig.SNAPSHOT_EXPORT_LOCATION, location,
                        JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, "1000"));
        return EmulatedPipeline.config(kinesis.endpoint(), dynamoDb.endpoint(), stream, extra);
    }
}
