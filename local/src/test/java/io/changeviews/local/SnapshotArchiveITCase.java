package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.connectors.snapshot.SnapshotRecord;
import io.changeviews.job.AwsPipelineIo;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The snapshots dataset (MiniCluster, parallelism 2, DynamoDB Local, kinesis-mock, a local
 * warehouse): {@value #ITEMS} {@code Order_by_item} items are in the table before anything streams;
 * the job bootstraps it by Scan and fails once in the middle of the snapshot, after some of its
 * parts were committed, while puts, updates and deletes are made and streamed, and a few more after
 * the snapshot. The snapshots dataset then holds each item once, under one {@code table=/snapshot=}
 * partition, and the warehouse's {@code as_of(table, now())} equals a final scan.
 */
class SnapshotArchiveITCase {
    private static final String ORDERS = SampleData.ORDERS;
    private static final int ITEMS = 3_000;
    private static final int SEGMENTS = 4;
    private static final int CHANGES_AFTER_SNAPSHOT = 60;
    private static final int MAX_CHANGES_DURING_SNAPSHOT = 300;
    private static final Duration SETTLE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    // The MiniCluster runs in this JVM: the snapshot's watcher reports here, and fails only once.
    private static final Set<Integer> SEGMENTS_DONE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicLong COMMITTED_PARTS_AT_FAILURE = new AtomicLong();

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
    void theSnapshotIsArchivedOnceAndWithTheChangesReconstructsTheTable(@TempDir Path warehouse)
            throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        LocalTables.createSourceTables(ddb);
        SampleData data = new SampleData(11, List.of(ORDERS));
        while (data.items(ORDERS).size() < ITEMS) {
            data.next();
        }
        LocalTables.writeItems(ddb, ORDERS, data.items(ORDERS));
        Set<String> before = new HashSet<>();
        data.items(ORDERS).forEach(item -> before.add(keysOf(item)));

        JobConfig config = config(warehouse);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        // The snapshot's start is stored to the millisecond.
        Instant buildStart = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<MaterializedView> views =
                ChangeViewsPipeline.build(
                        env,
                        config,
                        new AwsPipelineIo(config) {
                            @Override
                            public DataStream<SnapshotRecord> snapshot(
                                    StreamExecutionEnvironment env,
                                    SourceTableSpec table,
                                    int totalSegments) {
                                return super.snapshot(env, table, totalSegments)
                                        .map(new WatchSnapshot(ITEMS / 6, warehouse.toString()))
                                        .name("Watch the snapshot");
                            }
                        });
        Instant buildEnd = Instant.now();
        List<ArchivedDataset> datasets = ParquetArchive.datasets(env);
        assertThat(datasets.stream().map(ArchivedDataset::name))
                .contains(ParquetArchive.CHANGES, ParquetArchive.SNAPSHOTS);
        LocalTables.createTargetTables(ddb, views);
        JobClient job = env.executeAsync("snapshot-archive-itcase");

        // Puts, updates and deletes while the snapshot runs (up to a few hundred), and a few after.
        Set<String> addedOrRemoved = new HashSet<>();
        int during = 0;
        int after = 0;
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        while (after < CHANGES_AFTER_SNAPSHOT) {
            assertThat(System.nanoTime()).as("the snapshot ended").isLessThan(deadline);
            boolean snapshotting = SEGMENTS_DONE.size() < SEGMENTS;
            if (snapshotting && during == MAX_CHANGES_DURING_SNAPSHOT) {
                Thread.sleep(50);
                continue;
            }
            SampleData.Operation op = data.next();
            op.applyTo(ddb);
            if (op.before == null || op.after == null) {
                addedOrRemoved.add(keysOf(op.keys));
            }
            batch.add(kdsEntry(op, during + after));
            if (snapshotting) {
                during++;
            } else {
                after++;
            }
            if (batch.size() == 20) {
                EmulatedPipeline.putInOrder(kinesis.client(), STREAM, batch);
                batch = new ArrayList<>();
            }
        }
        EmulatedPipeline.putInOrder(kinesis.client(), STREAM, batch);
        assertThat(FAILED).as("the job failed in the middle of the snapshot").isTrue();
        assertThat(COMMITTED_PARTS_AT_FAILURE.get())
                .as("snapshot parts committed before the failure")
                .isPositive();
        assertThat(during).as("changes made while the snapshot ran").isGreaterThan(40);

        Map<String, String> scanned = new TreeMap<>();
        for (Map<String, DdbValue> item : EmulatedPipeline.scanSeedTables(ddb).get(ORDERS)) {
            scanned.put(keysOf(item), AttributeCodec.toJsonText(new TreeMap<>(item)));
        }
        Map<String, String> reconstructed = awaitReconstruction(warehouse, datasets, scanned);
        assertThat(reconstructed).as("as_of(now) equals a final scan").isEqualTo(scanned);

        try (Warehouse w = Warehouse.open(warehouse, datasets)) {
            List<List<String>> counts =
                    w.query(
                            "SELECT count(*), count(DISTINCT keys), count(DISTINCT snapshot),"
                                    + " min(snapshot_start), max(snapshot_start),"
                                    + " min(\"table\") FROM snapshots");
            List<String> row = counts.get(1);
            assertThat(row.get(0)).as("no item twice").isEqualTo(row.get(1));
            assertThat(row.get(2)).as("one snapshot partition").isEqualTo("1");
            assertThat(row.get(3)).isEqualTo(row.get(4));
            Instant start = Instant.parse(row.get(3).replace(' ', 'T'));
            assertThat(start).isBetween(buildStart, buildEnd);
            assertThat(row.get(5)).isEqualTo(ORDERS);
            Set<String> snapshotKeys =
                    w.query("SELECT keys FROM snapshots").stream()
                            .skip(1)
                            .map(r -> r.get(0))
                            .collect(Collectors.toSet());
            Set<String> untouched = new HashSet<>(before);
            untouched.removeAll(addedOrRemoved);
            Set<String> possible = new HashSet<>(before);
            possible.addAll(addedOrRemoved);
            assertThat(snapshotKeys)
                    .as("every item there all along, and no other")
                    .containsAll(untouched)
                    .isSubsetOf(possible);
            assertThat(Long.parseLong(row.get(0))).isEqualTo(snapshotKeys.size());
        }
        try (Stream<Path> dirs = Files.list(warehouse.resolve("snapshots/table=" + ORDERS))) {
            assertThat(dirs.map(d -> d.getFileName().toString()))
                    .singleElement()
                    .asString()
                    .matches("snapshot=\\d{8}T\\d{6}\\.\\d{3}Z");
        }
        job.cancel().get();
    }

    private static final String STREAM = "snapshot-archive";

    /** The shipped configuration on the emulators, {@code Order_by_item} bootstrapped by Scan. */
    private static JobConfig config(Path warehouse) throws Exception {
        kinesis.createStream(STREAM, 2);
        Map<String, Map<String, String>> extra = new HashMap<>();
        extra.put(JobConfig.SOURCE, Map.of(JobConfig.INITIAL_POSITION, "LATEST"));
        extra.put(
                JobConfig.TABLE_PREFIX + ORDERS,
                Map.of(
                        JobConfig.TABLE_SNAPSHOT, "scan",
                        JobConfig.SNAPSHOT_TOTAL_SEGMENTS, Integer.toString(SEGMENTS),
                        JobConfig.SNAPSHOT_PAGE_SIZE, "100",
                        JobConfig.SNAPSHOT_RCU_PER_SECOND, "40",
                        JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, "1000"));
        Map<String, String> archive = ArchiveConfig.pathOverride(warehouse.toString());
        // Parts show at each checkpoint, as in the local runner.
        archive.put(ArchiveConfig.COMPACTION_CHECKPOINTS, "0");
        extra.put(ArchiveConfig.GROUP, archive);
        return EmulatedPipeline.config(kinesis.endpoint(), dynamoDb.endpoint(), STREAM, extra);
    }

    /** The operation as KDS for DynamoDB would put it on the stream, stamped now. */
    private static PutRecordsRequestEntry kdsEntry(SampleData.Operation op, int n) {
        byte[] record =
                StreamRelay.kdsRecord(
                        op.table,
                        STREAM + "-" + n,
                        op.type,
                        Instant.now(),
                        AttributeCodec.toSdk(op.keys),
                        op.before == null ? null : AttributeCodec.toSdk(op.before),
                        op.after == null ? null : AttributeCodec.toSdk(op.after));
        return PutRecordsRequestEntry.builder()
                .partitionKey(op.keys.toString())
                .data(SdkBytes.fromByteArray(record))
                .build();
    }

    /**
     * Polls {@code as_of(Order_by_item, now())} until it equals {@code expected} (keys → image,
     * attributes sorted) or the deadline passes; returns the last result.
     */
    private static Map<String, String> awaitReconstruction(
            Path warehouse, List<ArchivedDataset> datasets, Map<String, String> expected)
            throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, String> actual = new TreeMap<>();
        do {
            actual.clear();
            try (Warehouse w = Warehouse.open(warehouse, datasets)) {
                List<List<String>> rows =
                        w.query("SELECT keys, image FROM as_of('" + ORDERS + "', now())");
                for (List<String> r : rows.subList(1, rows.size())) {
                    actual.put(r.get(0), sortedImage(r.get(1)));
                }
            }
            if (actual.equals(expected)) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return actual;
    }

    private static String sortedImage(String json) throws Exception {
        return AttributeCodec.toJsonText(
                new TreeMap<>(AttributeCodec.itemFromJson(JSON.readTree(json), "image")));
    }

    /** The item's key as the archive writes it: DynamoDB JSON, attributes sorted by name. */
    private static String keysOf(Map<String, DdbValue> item) {
        Map<String, DdbValue> keys = new TreeMap<>();
        SampleData.keyNames(ORDERS).forEach(k -> keys.put(k, item.get(k)));
        return AttributeCodec.toJsonText(keys);
    }

    /**
     * Notes each segment that is done, and throws once, on subtask 0, at its first item from the
     * {@code failAt}-th on (checked every 25) when some snapshot parts are committed.
     */
    private static final class WatchSnapshot
            extends RichMapFunction<SnapshotRecord, SnapshotRecord> {
        private static final long serialVersionUID = 1L;

        private final int failAt;
        private final String warehouse;
        private int seen;

        WatchSnapshot(int failAt, String warehouse) {
            this.failAt = failAt;
            this.warehouse = warehouse;
        }

        @Override
        public SnapshotRecord map(SnapshotRecord record) throws IOException {
            if (!record.isItem()) {
                SEGMENTS_DONE.add(record.segment());
            } else if (getRuntimeContext().getIndexOfThisSubtask() == 0
                    && ++seen >= failAt
                    && seen % 25 == 0
                    && !FAILED.get()) {
                long committed = committedSnapshotParts();
                if (committed > 0 && FAILED.compareAndSet(false, true)) {
                    COMMITTED_PARTS_AT_FAILURE.set(committed);
                    throw new IllegalStateException(
                            "injected failure in the middle of the snapshot");
                }
            }
            return record;
        }

        private long committedSnapshotParts() throws IOException {
            Path snapshots = Path.of(warehouse, ParquetArchive.SNAPSHOTS);
            if (!Files.isDirectory(snapshots)) {
                return 0;
            }
            try (Stream<Path> files = Files.walk(snapshots)) {
                return files.filter(Warehouse::isCommittedPart).count();
            }
        }
    }
}
