package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.connectors.snapshot.SnapshotRecord;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.PipelineIo;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.sentiment.ReviewScoring;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The fault suite's crash run (MiniCluster, parallelism 2, every emulator but s3proxy): three seed
 * tables hold items before anything streams and are bootstrapped by Scan, then random inserts,
 * updates and deletes ({@link #OPERATIONS}) are made and streamed, with 5 % of the records
 * delivered twice and records reordered locally, the stream's shard split and later the children
 * merged, BatchWriteItem throttled and half-processed, Comprehend throttling 30 % of its calls and
 * answering some past the client's timeout; the job is failed six times: in the middle of the
 * snapshot, in the middle of a checkpoint and at four random records, each time restored from its
 * last checkpoint. At the end every view equals a recomputation from a scan of the tables, every
 * delivered record is in the Parquet archive as often as it was delivered, and in {@code
 * on-checkpoint} mode no key of a view whose true values only grow ever went back to an older
 * value.
 */
class CrashRestoreFaultsITCase {
    private static final String STREAM = "faulty-changes";
    private static final int PREFILL_OPERATIONS = 50_000;

    /**
     * The operations streamed after the prefill: 50,000, so that a run makes 100,000 random
     * operations; {@code -Dfaults.operations} sets another count (kinesis-mock's cost per call
     * grows with the stream: 60,000 took 3.5 times as long as 30,000).
     */
    private static final int OPERATIONS = Integer.getInteger("faults.operations", 50_000);

    private static final int BATCH = 500;
    private static final int SHARDS = 32;
    private static final List<String> SNAPSHOTTED =
            List.of(SampleData.ORDERS, SampleData.INVOICES, SampleData.CUSTOMERS);
    static final String GROWING_VIEW = "order_date_changes";
    private static final Duration SETTLE = Duration.ofMinutes(6);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static LocalDynamoDb dynamoDb;
    private static FaultyDynamoDbProxy proxy;
    private static KinesisMock kinesis;
    private static LocalComprehend comprehend;

    @BeforeAll
    static void startEmulators() {
        dynamoDb = LocalDynamoDb.start();
        proxy =
                FaultyDynamoDbProxy.start(dynamoDb.endpoint(), 9)
                        .throttleFraction(0.1)
                        .unprocessedFraction(0.2)
                        .delayMillis(0, 5);
        kinesis = KinesisMock.start();
        // kinesis-mock's cost per PutRecords grows with the records in the shards written to: at
        // 100,000 records in 2 shards a call takes seconds, in 32 a fraction of one.
        kinesis.createStream(STREAM, SHARDS);
        comprehend = LocalComprehend.start(23).throttleFraction(0.3).slowFraction(0.1, 1_500);
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        comprehend.close();
        kinesis.close();
        proxy.close();
        dynamoDb.close();
    }

    @Test
    void sixCrashesDuplicatesReshardingAndSinkFaultsChangeNothing(@TempDir Path archive)
            throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        JobConfig config = config(archive);
        // No DynamoDB Streams: the test streams the changes itself, as KDS would.
        LocalTables.createSourceTables(ddb, false);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        LocalTables.createSentimentCacheTable(ddb, config.sentiment().cacheTable());
        // Reviews are not snapshotted: a snapshot item's change time is its page's, which the
        // hourly review counts show and the test cannot know.
        SampleData data = new SampleData(31);
        data.changeOnly(SNAPSHOTTED);
        for (int i = 0; i < PREFILL_OPERATIONS; i++) {
            data.next();
        }
        // Written straight into the tables, never streamed: only the snapshot sees them.
        SNAPSHOTTED.forEach(t -> LocalTables.writeItems(ddb, t, data.items(t)));
        data.changeOnly(SampleData.TABLES);

        ScanWatch.reset(12);
        Crashes.arm(OPERATIONS, new Random(41));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(1_000);
        // As on MSF: a checkpoint's completion notice precedes the next barrier.
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(100);
        env.setRestartStrategy(RestartStrategies.fixedDelayRestart(20, 300));
        List<MaterializedView> views =
                ChangeViewsPipeline.build(env, config, new Crashing(ScanWatch.io(config)));
        LocalTables.createTargetTables(ddb, views);
        List<ArchivedDataset> datasets = ParquetArchive.datasets(env);
        JobClient job = env.executeAsync("crash-restore-faults");
        Delivery delivery;
        try {
            delivery = deliver(data, ddb, kinesis.client(), new Random(43));
            ExpectedViews expected =
                    new ExpectedViews(
                            EmulatedPipeline.scanSeedTables(ddb),
                            delivery.distinctChanges,
                            ExpectedViews.localComprehendScores());
            List<MaterializedView> shipped =
                    views.stream()
                            .filter(v -> !v.spec.name().equals(GROWING_VIEW))
                            .collect(Collectors.toList());
            EmulatedPipeline.awaitViews(ddb, shipped, expected, SETTLE);
            awaitGrowingView(ddb, delivery.distinctChanges);
            awaitArchive(archive, datasets, delivery.deliveriesByEventId);
        } finally {
            job.cancel().get();
        }

        System.out.printf(
                "crash run: %,d changes after %,d prefill operations, %,d records delivered"
                        + " (%,d duplicates, %,d same-item pairs out of order), crashes %s,"
                        + " %,d attempts; BatchWriteItem %,d calls (%,d throttled, %,d"
                        + " half-processed); Comprehend %,d calls (%,d throttled, %,d past the"
                        + " timeout), %,d documents scored%n",
                delivery.distinctChanges.size(),
                PREFILL_OPERATIONS,
                delivery.delivered,
                delivery.duplicates,
                delivery.reorderedPairs,
                Crashes.HAPPENED,
                Crashes.ATTEMPTS.get(),
                proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM),
                proxy.throttledCalls(),
                proxy.partialCalls(),
                comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT),
                comprehend.throttledCalls(),
                comprehend.slowCalls(),
                comprehend.scoredDocuments());
        assertThat(ScanWatch.FAILED).as("the job failed in the middle of the snapshot").isTrue();
        assertThat(Crashes.HAPPENED)
                .as("crashes injected in the middle of a checkpoint and at records")
                .hasSize(5)
                .anyMatch(c -> c.startsWith("checkpoint"));
        assertThat(Crashes.ATTEMPTS.get()).as("one attempt per crash, and the first").isEqualTo(7);
        assertThat(delivery.duplicates).isGreaterThan(OPERATIONS * 4 / 100);
        assertThat(delivery.reorderedPairs).isGreaterThan(OPERATIONS / 100);
        assertThat(kinesis.openShards(STREAM))
                .as("open shards after a split and a merge")
                .hasSize(SHARDS);
        assertThat(proxy.throttledCalls()).isPositive();
        assertThat(proxy.partialCalls()).isPositive();
        assertThat(comprehend.throttledCalls()).isPositive();
        assertThat(comprehend.slowCalls()).isPositive();
        assertThat(
                        LocalTables.scanAsText(
                                ddb, config.deadLetterTable(), List.of("source", "position")))
                .as("dead letters")
                .isEmpty();
        Map<String, List<Long>> landed = landedCounts();
        assertThat(landed).isNotEmpty();
        landed.forEach(
                (key, values) -> {
                    for (int i = 1; i < values.size(); i++) {
                        // Equal is a committable committed again after a restore; less would be a
                        // step back.
                        assertThat(values.get(i))
                                .as(
                                        "%s %s: %s landed after %s",
                                        GROWING_VIEW, key, values.get(i), values.get(i - 1))
                                .isGreaterThanOrEqualTo(values.get(i - 1));
                    }
                });
    }

    /**
     * The shipped configuration on the emulators, through the faulty proxy, in {@code
     * on-checkpoint} mode, every seed table bootstrapped by a slow Scan, sentiment by Comprehend,
     * the archive in a local folder, and one more view whose true values only grow.
     */
    private static JobConfig config(Path archive) throws Exception {
        Map<String, Map<String, String>> extra = new HashMap<>();
        extra.put(
                JobConfig.SOURCE,
                Map.of(
                        "flink.shard.discovery.intervalmillis",
                        "1000",
                        // Each GetRecords costs kinesis-mock more as the stream grows: fewer calls.
                        "flink.shard.getrecords.intervalmillis",
                        "1000",
                        JobConfig.INITIAL_POSITION,
                        "TRIM_HORIZON"));
        extra.put(JobConfig.DYNAMODB, Map.of(JobConfig.WRITE_MODE, "on-checkpoint"));
        for (String table : SNAPSHOTTED) {
            extra.put(
                    JobConfig.TABLE_PREFIX + table,
                    Map.of(
                            JobConfig.TABLE_SNAPSHOT, "scan",
                            JobConfig.SNAPSHOT_PAGE_SIZE, "100",
                            JobConfig.SNAPSHOT_RCU_PER_SECOND, "20",
                            JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, "1000"));
        }
        extra.put(
                JobConfig.VIEW_PREFIX + GROWING_VIEW,
                Map.of(
                        JobConfig.VIEW_SQL,
                        "SELECT order_date, COUNT(*) AS changes FROM Order_by_item_changes GROUP BY"
                                + " order_date",
                        JobConfig.VIEW_TARGET_TABLE,
                        GROWING_VIEW,
                        JobConfig.VIEW_TARGET_KEY,
                        "order_date"));
        Map<String, String> sentiment = EmulatedPipeline.comprehendSentiment(comprehend.endpoint());
        extra.put(SentimentConfig.SENTIMENT, sentiment);
        extra.put(ArchiveConfig.GROUP, ArchiveConfig.pathOverride(archive.toString()));
        return EmulatedPipeline.config(kinesis.endpoint(), proxy.endpoint(), STREAM, extra);
    }

    /** What the test delivered, and what it did to the records on the way. */
    private static final class Delivery {
        final List<byte[]> records = new ArrayList<>();
        final List<ChangeEvent> distinctChanges = new ArrayList<>();
        final Map<String, Integer> deliveriesByEventId = new HashMap<>();
        private final Map<String, Long> newestDelivered = new HashMap<>();
        int delivered;
        int duplicates;
        int reorderedPairs;

        boolean sent(int change) {
            return deliveriesByEventId.containsKey(distinctChanges.get(change).eventId());
        }

        /** Adds a delivery of the {@code change}-th change, noting what it reorders. */
        void send(int change, List<PutRecordsRequestEntry> entries) {
            ChangeEvent e = distinctChanges.get(change);
            String item = item(e);
            Long newest = newestDelivered.get(item);
            if (newest != null && newest > e.changeTimeMicros()) {
                reorderedPairs++;
            }
            newestDelivered.merge(item, e.changeTimeMicros(), Math::max);
            deliveriesByEventId.merge(e.eventId(), 1, Integer::sum);
            delivered++;
            entries.add(
                    PutRecordsRequestEntry.builder()
                            .partitionKey(item)
                            .data(SdkBytes.fromByteArray(records.get(change)))
                            .build());
        }
    }

    private static String item(ChangeEvent e) {
        return e.tableName() + e.itemKey();
    }

    /**
     * Makes the operations in batches: each batch's net effect is written to the tables, then its
     * records, stamped after that write, are put on the stream with a twentieth of them twice, all
     * of them shuffled within a few positions and a third held back until their item's next change;
     * the first shard is split at 40 % of the operations and its children merged at 70 %.
     */
    private static Delivery deliver(
            SampleData data, DynamoDbClient ddb, KinesisClient kds, Random random)
            throws Exception {
        Delivery d = new Delivery();
        StampedBatches batches = new StampedBatches(data, ddb, "fault-");
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        // A third of the changes wait for their item's next change and go out right after it.
        Map<String, Integer> held = new HashMap<>();
        List<String> children = List.of();
        for (int done = 0; done < OPERATIONS; done += BATCH) {
            if (done == OPERATIONS * 2 / 5) {
                children =
                        kinesis.splitShard(
                                STREAM, kinesis.openShards(STREAM).keySet().iterator().next());
            } else if (done == OPERATIONS * 7 / 10) {
                kinesis.mergeShards(STREAM, children.get(0), children.get(1));
            }
            if (done % 20_000 == 0) {
                System.out.printf(
                        "%s: %,d of %,d operations made, %,d records through the crash points%n",
                        Instant.now(), done, OPERATIONS, Crashes.SEEN.get());
            }
            List<byte[]> records = batches.next(BATCH);
            d.records.addAll(records);
            List<double[]> order = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                d.distinctChanges.add(decoder.decode(records.get(i), null, null));
                order.add(new double[] {i + random.nextDouble() * 8, i});
                if (random.nextInt(20) == 0) {
                    order.add(new double[] {i + 1 + random.nextDouble() * 20, i});
                    d.duplicates++;
                }
            }
            order.sort(Comparator.comparingDouble(o -> o[0]));
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (double[] o : order) {
                int g = done + (int) o[1];
                String item = item(d.distinctChanges.get(g));
                Integer before = held.remove(item);
                if (before != null) {
                    d.send(g, entries);
                    d.send(before, entries);
                } else if (!d.sent(g) && random.nextInt(3) == 0) {
                    held.put(item, g);
                } else {
                    d.send(g, entries);
                }
            }
            if (done + BATCH >= OPERATIONS) {
                held.values().forEach(g -> d.send(g, entries));
            }
            EmulatedPipeline.putAll(kds, STREAM, entries);
        }
        return d;
    }

    /** Waits until the growing view holds each order date's number of distinct changes. */
    private static void awaitGrowingView(DynamoDbClient ddb, List<ChangeEvent> changes)
            throws InterruptedException {
        Map<String, String> expected = new TreeMap<>();
        changes.stream()
                .filter(c -> c.tableName().equals(SampleData.ORDERS))
                .collect(
                        Collectors.groupingBy(
                                c -> c.keys().get("order_date").asString(), Collectors.counting()))
                .forEach((date, count) -> expected.put(date, Long.toString(count)));
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, String> actual = new TreeMap<>();
        do {
            actual.clear();
            LocalTables.scanAsText(ddb, GROWING_VIEW, List.of("order_date"))
                    .forEach(
                            (key, item) -> actual.put(item.get("order_date"), item.get("changes")));
            if (actual.equals(expected)) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertThat(actual).isEqualTo(expected);
    }

    /** Waits until the archive holds each delivered record as often as it was delivered. */
    private static void awaitArchive(
            Path archive, List<ArchivedDataset> datasets, Map<String, Integer> expected)
            throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, Integer> actual = new HashMap<>();
        do {
            actual.clear();
            try (Warehouse w = Warehouse.open(archive, datasets)) {
                List<List<String>> rows =
                        w.query("SELECT event_id, count(*) AS n FROM changes GROUP BY event_id");
                rows.subList(1, rows.size())
                        .forEach(r -> actual.put(r.get(0), Integer.parseInt(r.get(1))));
            }
            if (actual.equals(expected)) {
                return;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        assertThat(actual).isEqualTo(expected);
    }

    /** Every value of the growing view that DynamoDB acknowledged, per key, in order. */
    private static Map<String, List<Long>> landedCounts() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<Long>> out = new TreeMap<>();
        for (FaultyDynamoDbProxy.ObservedWrite w : proxy.writes()) {
            if (w.table().equals(GROWING_VIEW) && !w.isDelete()) {
                JsonNode item = json.readTree(w.item());
                out.computeIfAbsent(
                                item.path("order_date").path("S").asText(), k -> new ArrayList<>())
                        .add(item.path("changes").path("N").asLong());
            }
        }
        return out;
    }

    /** The real connectors, with {@link Crashes} right behind the change source. */
    private static final class Crashing implements PipelineIo {
        private final PipelineIo real;

        Crashing(PipelineIo real) {
            this.real = real;
        }

        @Override
        public DataStream<DecodeResult> changes(StreamExecutionEnvironment env) {
            return real.changes(env).map(new Crashes()).name("Injected crashes");
        }

        @Override
        public DataStream<SnapshotRecord> snapshot(
                StreamExecutionEnvironment env, SourceTableSpec table, int totalSegments) {
            return real.snapshot(env, table, totalSegments);
        }

        @Override
        public int snapshotSegments(SourceTableSpec table, int parallelism) {
            return real.snapshotSegments(table, parallelism);
        }

        @Override
        public Sink<Row> view(ViewSpec view, RowItemConverter converter) {
            return real.view(view, converter);
        }

        @Override
        public Sink<DeadLetter> deadLetters() {
            return real.deadLetters();
        }

        @Override
        public Sink<GenericRecord> archive(ArchivedDataset dataset) {
            return real.archive(dataset);
        }

        @Override
        public ReviewScoring reviewScoring() {
            return real.reviewScoring();
        }
    }

    /**
     * Fails the job at four record counts drawn at random and in the synchronous part of one
     * checkpoint, each time only once a checkpoint has completed since the last restore (so each
     * restore goes on from a newer one); counts the attempts.
     */
    private static final class Crashes extends RichMapFunction<DecodeResult, DecodeResult>
            implements CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;

        // The MiniCluster runs in this JVM: every attempt of every subtask sees these.
        static final List<String> HAPPENED = Collections.synchronizedList(new ArrayList<>());
        static final AtomicInteger ATTEMPTS = new AtomicInteger();
        static final AtomicLong SEEN = new AtomicLong();
        private static final AtomicInteger NEXT = new AtomicInteger();
        private static final AtomicInteger CRASHED_ATTEMPT = new AtomicInteger();
        private static final AtomicBoolean IN_CHECKPOINT = new AtomicBoolean();
        private static volatile long[] atRecords;
        private static volatile long inCheckpointAfter;

        private transient boolean checkpointedSinceStart;

        /** Draws the crash points over a run of {@code operations} records. */
        static void arm(int operations, Random random) {
            HAPPENED.clear();
            ATTEMPTS.set(0);
            SEEN.set(0);
            NEXT.set(0);
            CRASHED_ATTEMPT.set(0);
            IN_CHECKPOINT.set(false);
            atRecords = new long[4];
            for (int k = 0; k < 4; k++) {
                atRecords[k] = (long) (operations * (0.1 + 0.2 * k + 0.1 * random.nextDouble()));
            }
            inCheckpointAfter = (long) (operations * (0.45 + 0.1 * random.nextDouble()));
        }

        @Override
        public void open(Configuration parameters) {
            if (getRuntimeContext().getIndexOfThisSubtask() == 0) {
                ATTEMPTS.incrementAndGet();
            }
        }

        @Override
        public DecodeResult map(DecodeResult value) {
            long seen = SEEN.incrementAndGet();
            int next = NEXT.get();
            if (next < atRecords.length && seen >= atRecords[next] && mayCrash()) {
                NEXT.incrementAndGet();
                HAPPENED.add("record " + seen);
                throw new IllegalStateException("injected crash at record " + seen);
            }
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            if (!IN_CHECKPOINT.get() && SEEN.get() >= inCheckpointAfter && mayCrash()) {
                IN_CHECKPOINT.set(true);
                HAPPENED.add("checkpoint " + context.getCheckpointId());
                throw new IllegalStateException(
                        "injected crash in checkpoint " + context.getCheckpointId());
            }
        }

        /**
         * Whether this attempt may crash now: after the snapshot's crash, once a checkpoint of this
         * attempt completed, and only if no subtask crashed it yet (two crashes in one attempt
         * would be one restart).
         */
        private boolean mayCrash() {
            int attempt = ATTEMPTS.get();
            int crashed = CRASHED_ATTEMPT.get();
            return checkpointedSinceStart
                    && ScanWatch.FAILED.get()
                    && crashed != attempt
                    && CRASHED_ATTEMPT.compareAndSet(crashed, attempt);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointedSinceStart = true;
        }
    }
}
