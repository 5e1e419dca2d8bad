package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.JobConfig;
import io.changeviews.local.BootstrapKit.Job;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A table older than its stream, bootstrapped (MiniCluster, parallelism 2, DynamoDB Local,
 * kinesis-mock): {@value #ITEMS} items are in {@code Order_by_item} before anything streams, and
 * random puts, updates and deletes (of those items too) are made while the Scan snapshot runs, each
 * streamed to Kinesis with the time it was made. Every view's table equals a recomputation from a
 * final scan, and no view is written while the snapshot runs. A second run fails in the middle of
 * its snapshot and restores from its checkpoint: still exact, and the snapshot's items-read count
 * equals the table's item count (none read twice).
 */
class BootstrapITCase {
    private static final String ORDERS = SampleData.ORDERS;
    private static final int ITEMS = 20_000;

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** View rows found while a snapshot was still running: none, if writes are held. */
    private static final Map<String, Map<String, String>> heldViewsSeen = new HashMap<>();

    private static LocalDynamoDb dynamoDb;
    private static KinesisMock kinesis;

    @BeforeAll
    static void startEmulators() {
        dynamoDb = LocalDynamoDb.start();
        kinesis = KinesisMock.start();
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        kinesis.close();
        dynamoDb.close();
    }

    @Test
    void viewsOfATableOlderThanItsStreamAreExactAlsoAfterACrashInTheSnapshot() throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        LocalTables.createSourceTables(ddb);
        SampleData data = new SampleData(5, List.of(ORDERS));
        while (data.items(ORDERS).size() < ITEMS) {
            data.next();
        }
        // Written straight into the table: its stream is never relayed, so only a scan sees them.
        LocalTables.writeItems(ddb, ORDERS, data.items(ORDERS));

        // Run 1: puts, updates and deletes while the snapshot runs.
        JobConfig config = config("bootstrap-1");
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        Job job = start(config, ddb);
        awaitScanning();
        Random random = new Random(3);
        Job running = job;
        List<ChangeEvent> changes =
                BootstrapKit.makeChanges(
                        kinesis.client(),
                        ddb,
                        "bootstrap-1",
                        () -> running.gauge("snapshotDone") != 1,
                        data::next,
                        heldViewsSeen);
        assertThat(changes.size()).as("changes made while the snapshot ran").isGreaterThan(150);
        assertThat(heldViewsSeen)
                .as("no view is written while its tables are snapshotted")
                .isEmpty();
        job.awaitViews(ddb, changes);
        long inserted = changes.stream().filter(c -> c.type() == ChangeType.INSERT).count();
        long removed = changes.stream().filter(c -> c.type() == ChangeType.REMOVE).count();
        assertThat(job.gauge("snapshotItemsRead")).isBetween(ITEMS - removed, ITEMS + inserted);
        job.cancel();

        // Run 2: fresh state and view tables; the job fails in the middle of its snapshot.
        job.deleteTargetTables(ddb);
        List<Map<String, DdbValue>> items = EmulatedPipeline.scanSeedTables(ddb).get(ORDERS);
        ScanWatch.reset(ITEMS / 200 / 2);
        job = start(config("bootstrap-2"), ddb);
        awaitScanning();
        // Updates only, so the table keeps its item count while it is scanned.
        Job restarting = job;
        List<ChangeEvent> updates =
                BootstrapKit.makeChanges(
                        kinesis.client(),
                        ddb,
                        "bootstrap-2",
                        () -> restarting.gauge("snapshotDone") != 1,
                        () -> update(items.get(random.nextInt(items.size())), random),
                        heldViewsSeen);
        job.awaitViews(ddb, updates);
        assertThat(ScanWatch.FAILED).as("the job failed in the middle of the snapshot").isTrue();
        assertThat(job.gauge("snapshotItemsRead")).isEqualTo(items.size());
        assertThat(ScanWatch.ITEMS_SCANNED.get())
                .as("the restore went on from the checkpoint, not from the start")
                .isBetween((long) items.size(), items.size() * 3L / 2);
        job.cancel();
    }

    /** The shipped configuration on the emulators, {@code Order_by_item} bootstrapped by Scan. */
    private static JobConfig config(String stream) throws Exception {
        kinesis.createStream(stream, 2);
        Map<String, Map<String, String>> extra = new HashMap<>();
        extra.put(JobConfig.SOURCE, Map.of(JobConfig.INITIAL_POSITION, "LATEST"));
        extra.put(
                JobConfig.TABLE_PREFIX + ORDERS,
                Map.of(
                        JobConfig.TABLE_SNAPSHOT, "scan",
                        JobConfig.SNAPSHOT_PAGE_SIZE, "200",
                        JobConfig.SNAPSHOT_RCU_PER_SECOND, "50",
                        JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, "1000"));
        return EmulatedPipeline.config(kinesis.endpoint(), dynamoDb.endpoint(), stream, extra);
    }

    /** The job on the emulators, its scans watched. */
    private static Job start(JobConfig config, DynamoDbClient ddb) throws Exception {
        return Job.start(config, ScanWatch.io(config), ddb, METRICS);
    }

    private static void awaitScanning() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ScanWatch.SCANS.get() < 2) {
            assertThat(System.nanoTime()).as("the snapshot started").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A new quantity for an existing order. */
    private static SampleData.Operation update(Map<String, DdbValue> item, Random random) {
        Map<String, DdbValue> after = new LinkedHashMap<>(item);
        after.put("quantity", DdbValue.n(BigDecimal.valueOf(1000 + random.nextInt(1_000_000))));
        Map<String, DdbValue> keys = new LinkedHashMap<>();
        SampleData.keyNames(ORDERS).forEach(k -> keys.put(k, item.get(k)));
        item.clear();
        item.putAll(after);
        return new SampleData.Operation(ORDERS, ChangeType.MODIFY, keys, null, after);
    }
}
