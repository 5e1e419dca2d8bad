package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.AwsPipelineIo;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.JobConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

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
    private static final Duration SETTLE = Duration.ofMinutes(2);

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    // The MiniCluster runs in this JVM: the scans report here, and the injected failure fires once.
    private static final AtomicInteger SCANS = new AtomicInteger();
    private static final AtomicLong ITEMS_SCANNED = new AtomicLong();
    private static final AtomicInteger FAIL_AT_SCAN = new AtomicInteger(-1);
    private static final AtomicBoolean FAILED = new AtomicBoolean();

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
        LocalTables.putAll(ddb, ORDERS, data.items(ORDERS));

        // Run 1: puts, updates and deletes while the snapshot runs.
        JobConfig config = config("bootstrap-1");
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        Job job = Job.start(config, ddb);
        awaitScanning();
        Random random = new Random(3);
        Job running = job;
        List<ChangeEvent> changes =
                makeChanges(
                        ddb, "bootstrap-1", () -> gauge(running, "snapshotDone") != 1, data::next);
        assertThat(changes.size()).as("changes made while the snapshot ran").isGreaterThan(150);
        assertThat(heldViewsSeen)
                .as("no view is written while its tables are snapshotted")
                .isEmpty();
        job.awaitViews(ddb, changes);
        long inserted = changes.stream().filter(c -> c.type() == ChangeType.INSERT).count();
        long removed = changes.stream().filter(c -> c.type() == ChangeType.REMOVE).count();
        assertThat(gauge(job, "snapshotItemsRead")).isBetween(ITEMS - removed, ITEMS + inserted);
        job.cancel();

        // Run 2: fresh state and view tables; the job fails in the middle of its snapshot.
        job.deleteTargetTables(ddb);
        List<Map<String, DdbValue>> items = EmulatedPipeline.scanSeedTables(ddb).get(ORDERS);
        SCANS.set(0);
        ITEMS_SCANNED.set(0);
        FAIL_AT_SCAN.set(ITEMS / 200 / 2);
        job = Job.start(config("bootstrap-2"), ddb);
        awaitScanning();
        // Updates only, so the table keeps its item count while it is scanned.
        Job restarting = job;
        List<ChangeEvent> updates =
                makeChanges(
                        ddb,
                        "bootstrap-2",
                        () -> gauge(restarting, "snapshotDone") != 1,
                        () -> update(items.get(random.nextInt(items.size())), random));
        job.awaitViews(ddb, updates);
        assertThat(FAILED).as("the job failed in the middle of the snapshot").isTrue();
        assertThat(gauge(job, "snapshotItemsRead")).isEqualTo(items.size());
        assertThat(ITEMS_SCANNED.get())
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

    /** A running job, its views, and the metrics of its run. */
    private static final class Job {
        final JobClient client;
        final List<MaterializedView> views;

        private Job(JobClient client, List<MaterializedView> views) {
            this.client = client;
            this.views = views;
        }

        static Job start(JobConfig config, DynamoDbClient ddb) throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(300);
            List<MaterializedView> views =
                    ChangeViewsPipeline.build(
                            env,
                            config,
                            new AwsPipelineIo(config) {
                                @Override
                                protected AsyncClientProvider<DynamoDbAsyncClient> scanClients() {
                                    return watched(super.scanClients());
                                }
                            });
            LocalTables.createTargetTables(ddb, views);
            return new Job(env.executeAsync("bootstrap-itcase"), views);
        }

        void awaitViews(DynamoDbClient ddb, List<ChangeEvent> changes) throws Exception {
            EmulatedPipeline.awaitViews(
                    ddb,
                    views,
                    new ExpectedViews(EmulatedPipeline.scanSeedTables(ddb), changes),
                    SETTLE);
        }

        void deleteTargetTables(DynamoDbClient ddb) {
            views.forEach(v -> LocalTables.delete(ddb, v.spec.targetTable()));
        }

        void cancel() throws Exception {
            client.cancel().get();
        }
    }

    /**
     * The latest value of a job-wide gauge of the {@code kinesisanalytics} group, over the task
     * attempts so far (an attempt before a restore counted less).
     */
    private static long gauge(Job job, String name) {
        long value = -1;
        String jobId = job.client.getJobID().toString();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                METRICS.getMetricsByGroup().entrySet()) {
            Metric m = group.getValue().get(name);
            if (m != null && jobId.equals(group.getKey().getAllVariables().get("<job_id>"))) {
                value = Math.max(value, ((Number) ((Gauge<?>) m).getValue()).longValue());
            }
        }
        return value;
    }

    private static void awaitScanning() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (SCANS.get() < 2) {
            assertThat(System.nanoTime()).as("the snapshot started").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Makes changes through the DynamoDB API while {@code snapshotting} says so and streams each to
     * Kinesis as KDS for DynamoDB would, stamped with the time it was made; returns them as the job
     * decodes them. Between batches, notes any view row written while still snapshotting.
     */
    private static List<ChangeEvent> makeChanges(
            DynamoDbClient ddb,
            String stream,
            BooleanSupplier snapshotting,
            Supplier<SampleData.Operation> next)
            throws Exception {
        KinesisClient kds = kinesis.client();
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        List<ChangeEvent> changes = new ArrayList<>();
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; batch.size() > 0 || snapshotting.getAsBoolean(); i++) {
            SampleData.Operation op = next.get();
            op.applyTo(ddb);
            byte[] record =
                    StreamRelay.kdsRecord(
                            op.table,
                            stream + "-" + i,
                            op.type,
                            Instant.now(),
                            AttributeCodec.toSdk(op.keys),
                            op.before == null ? null : AttributeCodec.toSdk(op.before),
                            op.after == null ? null : AttributeCodec.toSdk(op.after));
            changes.add(decoder.decode(record, null, null));
            batch.add(
                    PutRecordsRequestEntry.builder()
                            .partitionKey(op.keys.toString())
                            .data(SdkBytes.fromByteArray(record))
                            .build());
            if (batch.size() == 25) {
                EmulatedPipeline.putInOrder(kds, stream, batch);
                batch = new ArrayList<>();
                Map<String, Map<String, String>> view =
                        LocalTables.scanAsText(
                                ddb, "item_count_by_date", List.of("item_number", "order_date"));
                if (snapshotting.getAsBoolean()) {
                    heldViewsSeen.putAll(view);
                }
            }
        }
        return changes;
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

    /** The scans' client, counting what they read and failing once where the test says. */
    private static AsyncClientProvider<DynamoDbAsyncClient> watched(
            AsyncClientProvider<DynamoDbAsyncClient> real) {
        return () -> new WatchedScans(real.create());
    }

    private static final class WatchedScans implements DynamoDbAsyncClient {
        private final DynamoDbAsyncClient delegate;

        WatchedScans(DynamoDbAsyncClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<ScanResponse> scan(ScanRequest request) {
            if (SCANS.incrementAndGet() == FAIL_AT_SCAN.get()
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure in the middle of the snapshot");
            }
            return delegate.scan(request)
                    .thenApply(
                            r -> {
                                ITEMS_SCANNED.addAndGet(r.count());
                                return r;
                            });
        }

        @Override
        public CompletableFuture<DescribeTableResponse> describeTable(
                DescribeTableRequest request) {
            return delegate.describeTable(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
