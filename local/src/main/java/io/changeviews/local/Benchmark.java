package io.changeviews.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.source.ChangeRecordDeserializationSchema;
import io.changeviews.job.AwsPipelineIo;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.ops.Options;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Measures the job's throughput, DynamoDB writes and latency next to the seed Lambda's one
 * UpdateItem per event.
 */
public final class Benchmark {
    private static final String VIEW_TABLE = "item_count_by_date";
    private static final List<String> VIEW_KEY = Arrays.asList("item_number", "order_date");
    private static final String STREAM = "benchmark-changes";
    private static final int PARALLELISM = 2;
    private static final long SEED = 2026;
    private static final int ORDER_DAYS = 7;
    private static final int MAX_QUANTITY = 20;
    private static final Instant FIRST_CHANGE = Instant.parse("2026-11-20T00:00:00Z");
    private static final String LATENCY_ORDER_DATE = "2026-12-01T12:00:00";
    private static final int LATENCY_ITEMS = 10;
    private static final String WARM_UP_ITEM = "lat-warmup";
    private static final String GETRECORDS_INTERVAL_MS = "100";
    private static final Duration JOB_START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    // The MiniCluster runs inside this JVM and resolves this class from the same class loader, so
    // the
    // source reads the records from here instead of serializing half a gigabyte into the job graph.
    static volatile byte[][] encoded;
    // Same JVM again: the job's decode step reports its progress through these.
    private static final LongAdder DECODED = new LongAdder();
    private static final AtomicLong FIRST_DECODE_NANOS = new AtomicLong();

    private final int events;
    private final int items;
    private final int baselineEvents;
    private final int latencySeconds;
    private final double latencyRate;
    private final int reviews;
    private final int comprehendReviews;
    private final long started = System.nanoTime();

    // What the phases measured, reported together at the end.
    private Workload workload;
    private double decodeRate;
    private double pipelineSeconds;
    private double pipelineStartUp;
    private long viewWrites;
    private long allWrites;
    private long batchCalls;
    private String writesPerTable;
    private String check;
    private int baselineCalls;
    private double baselineSeconds;
    private List<Double> latencies;
    private int latencyRecords;
    private double putP50Millis;
    private double warmUpSeconds;
    private long flushIntervalMs;
    private List<String[]> sentimentRows;

    private Benchmark(Map<String, String> options) {
        events = Integer.parseInt(options.get("events"));
        items = Integer.parseInt(options.get("items"));
        baselineEvents = Math.min(events, Integer.parseInt(options.get("baseline-events")));
        latencySeconds = Integer.parseInt(options.get("latency-seconds"));
        latencyRate = Double.parseDouble(options.get("latency-rate"));
        reviews = Integer.parseInt(options.get("reviews"));
        comprehendReviews = Integer.parseInt(options.get("comprehend-reviews"));
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            new Benchmark(
                            Options.parse(
                                    args,
                                    "events",
                                    "1000000",
                                    "items",
                                    "1000",
                                    "latency-seconds",
                                    "30",
                                    "latency-rate",
                                    "20",
                                    "baseline-events",
                                    "20000",
                                    "reviews",
                                    "100000",
                                    "comprehend-reviews",
                                    "20000"))
                    .run();
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // Flink's and the SDKs' non-daemon threads would otherwise keep the JVM up after the
        // report.
        System.exit(status);
    }

    private void run() throws Exception {
        Runtime runtime = Runtime.getRuntime();
        // Whatever else runs on the machine takes its share of the cores: the load average tells.
        String machine =
                String.format(
                        Locale.ROOT,
                        "Machine: %d cores, max heap %.1f GiB, Java %s, %s %s;"
                                + " load average %.1f at the start",
                        runtime.availableProcessors(),
                        runtime.maxMemory() / (double) (1L << 30),
                        System.getProperty("java.version"),
                        System.getProperty("os.name"),
                        System.getProperty("os.arch"),
                        loadAverage());
        String parameters =
                String.format(
                        Locale.ROOT,
                        "Parameters: --events %d --items %d --baseline-events %d --latency-seconds"
                            + " %d --latency-rate %s --reviews %d --comprehend-reviews %d (seed %d,"
                            + " parallelism %d)",
                        events,
                        items,
                        baselineEvents,
                        latencySeconds,
                        latencyRate,
                        reviews,
                        comprehendReviews,
                        SEED,
                        PARALLELISM);
        System.out.println(machine);
        System.out.println(parameters);
        System.out.println("Flink's log: .local/benchmark.log");

        workload = generate();
        decodeOnly(workload.records);
        decodeRate = decodeOnly(workload.records);
        String archive = ParquetBenchmark.run(workload.records, PARALLELISM);

        progress("starting DynamoDB Local");
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start()) {
            encoded = workload.records;
            List<MaterializedView> views = pipeline(dynamoDb);
            // Half a gigabyte the later phases have no use for.
            encoded = null;
            workload.records = null;
            baseline(dynamoDb.client(), views);
            latency(dynamoDb);
            sentimentRows =
                    new SentimentBenchmark(reviews, comprehendReviews, this::progress)
                            .run(dynamoDb);
        }
        progress("done");
        System.out.println();
        System.out.println(
                machine + String.format(Locale.ROOT, ", %.1f at the end", loadAverage()));
        System.out.println(parameters);
        printTable(rows());
        System.out.println(archive);
    }

    /** One order item of {@code Order_by_item}; immutable, a change replaces it. */
    private static final class Order {
        final String id;
        final String date;
        final String item;
        final int quantity;

        Order(String id, String date, String item, int quantity) {
            this.id = id;
            this.date = date;
            this.item = item;
            this.quantity = quantity;
        }

        String day() {
            return date.substring(0, 10);
        }

        Map<String, AttributeValue> keys() {
            Map<String, AttributeValue> keys = new LinkedHashMap<>();
            keys.put("orderid", AttributeValue.fromS(id));
            keys.put("order_date", AttributeValue.fromS(date));
            return keys;
        }

        Map<String, AttributeValue> image() {
            Map<String, AttributeValue> image = keys();
            image.put("item_number", AttributeValue.fromS(item));
            image.put("quantity", AttributeValue.fromN(Integer.toString(quantity)));
            return image;
        }
    }

    /** One UpdateItem of the seed's Lambda: {@code ADD quantity :delta} on an aggregate key. */
    private static final class LambdaUpdate {
        final String item;
        final String day;
        final int delta;

        LambdaUpdate(String item, String day, int delta) {
            this.item = item;
            this.day = day;
            this.delta = delta;
        }
    }

    /** The encoded change history, its make-up, and what it leaves in the table. */
    private static final class Workload {
        byte[][] records;
        final Map<ChangeType, Long> counts = new LinkedHashMap<>();
        final List<LambdaUpdate> lambdaUpdates = new ArrayList<>();
        final Map<String, Long> expectedSums = new HashMap<>();
        long itemMoves;

        Workload(int events) {
            records = new byte[events][];
            for (ChangeType type : ChangeType.values()) {
                counts.put(type, 0L);
            }
        }
    }

    /**
     * Random inserts (40 %), updates (40 %, a fifth of them moving the order to another item) and
     * deletes (20 %). Orders are spread over {@value #PARALLELISM} shards as Kinesis does by
     * partition key, change times interleave across shards, and the array holds the shards one
     * after the other: DataGeneratorSource hands each reader one contiguous index range, so each
     * reader replays one shard in order, as a Kinesis source would. Were the ranges cut elsewhere,
     * the normalizer would still converge, dropping stale changes.
     */
    private Workload generate() {
        progress(
                String.format(
                        Locale.ROOT,
                        "encoding %,d change records on %s over %,d items",
                        events,
                        SampleData.ORDERS,
                        items));
        long t0 = System.nanoTime();
        Workload w = new Workload(events);
        Random random = new Random(SEED);
        List<List<Order>> live = new ArrayList<>();
        int[] shardStart = new int[PARALLELISM];
        for (int shard = 0; shard < PARALLELISM; shard++) {
            live.add(new ArrayList<>());
            if (shard > 0) {
                // Shard s - 1 holds the events j with j % PARALLELISM == s - 1.
                shardStart[shard] =
                        shardStart[shard - 1]
                                + (events - (shard - 1) + PARALLELISM - 1) / PARALLELISM;
            }
        }
        long bytes = 0;
        for (int j = 0; j < events; j++) {
            int shard = j % PARALLELISM;
            List<Order> orders = live.get(shard);
            double dice = random.nextDouble();
            Order before = null;
            Order after = null;
            ChangeType type;
            if (orders.isEmpty() || dice < 0.4) {
                type = ChangeType.INSERT;
                after =
                        new Order(
                                "o" + j,
                                orderDate(random),
                                item(random),
                                1 + random.nextInt(MAX_QUANTITY));
                orders.add(after);
            } else {
                int slot = random.nextInt(orders.size());
                before = orders.get(slot);
                if (dice < 0.8) {
                    type = ChangeType.MODIFY;
                    String item = random.nextInt(5) == 0 ? item(random) : before.item;
                    if (!item.equals(before.item)) {
                        w.itemMoves++;
                    }
                    after =
                            new Order(
                                    before.id, before.date, item, 1 + random.nextInt(MAX_QUANTITY));
                    orders.set(slot, after);
                } else {
                    type = ChangeType.REMOVE;
                    Order last = orders.remove(orders.size() - 1);
                    if (slot < orders.size()) {
                        orders.set(slot, last);
                    }
                }
            }
            w.counts.merge(type, 1L, Long::sum);
            if (j < baselineEvents) {
                w.lambdaUpdates.add(
                        after == null
                                ? new LambdaUpdate(before.item, before.day(), -before.quantity)
                                : new LambdaUpdate(
                                        after.item,
                                        after.day(),
                                        after.quantity - (before == null ? 0 : before.quantity)));
            }
            byte[] record = encode("bench-" + j, type, FIRST_CHANGE.plusMillis(j), before, after);
            w.records[shardStart[shard] + j / PARALLELISM] = record;
            bytes += record.length;
        }
        long liveOrders = 0;
        for (List<Order> orders : live) {
            liveOrders += orders.size();
            for (Order o : orders) {
                w.expectedSums.merge(o.item + "|" + o.day(), (long) o.quantity, Long::sum);
            }
        }
        progress(
                String.format(
                        Locale.ROOT,
                        "encoded in %.1f s: %s; %,d of the updates move the order to another item;"
                            + " average record %d bytes; at the end %,d live orders in %,d (item,"
                            + " day) groups",
                        seconds(t0),
                        w.counts,
                        w.itemMoves,
                        bytes / Math.max(1, events),
                        liveOrders,
                        w.expectedSums.size()));
        return w;
    }

    private static String orderDate(Random random) {
        int hour = random.nextInt(24);
        return "2026-11-"
                + (20 + random.nextInt(ORDER_DAYS))
                + "T"
                + (hour < 10 ? "0" : "")
                + hour
                + ":00:00";
    }

    private String item(Random random) {
        return "item-" + random.nextInt(items);
    }

    /** The change as a KDS-for-DynamoDB record, encoded by the relay's own encoder. */
    private static byte[] encode(
            String eventId, ChangeType type, Instant time, Order before, Order after) {
        Order current = after != null ? after : before;
        return StreamRelay.kdsRecord(
                SampleData.ORDERS,
                eventId,
                type,
                time,
                current.keys(),
                before == null ? null : before.image(),
                after == null ? null : after.image());
    }

    private double decodeOnly(byte[][] records) {
        ChangeRecordDeserializationSchema schema =
                new ChangeRecordDeserializationSchema("benchmark", null);
        long failed = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < records.length; i++) {
            if (schema.deserialize(records[i], "", Integer.toString(i), 0L, STREAM, "shardId-0")
                    .isDeadLetter()) {
                failed++;
            }
        }
        double s = seconds(t0);
        if (failed > 0) {
            throw new IllegalStateException(failed + " generated records did not decode");
        }
        double rate = records.length / s;
        progress(
                String.format(
                        Locale.ROOT,
                        "decode-only: %,d records in %.2f s = %,.0f events/s",
                        records.length,
                        s,
                        rate));
        return rate;
    }

    /** Hands out the pre-encoded record at the source's index. */
    static final class PreEncoded implements GeneratorFunction<Long, byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] map(Long index) {
            return encoded[index.intValue()];
        }
    }

    /**
     * Decodes as the Kinesis source does, a per-reader counter standing in for the shard's sequence
     * numbers.
     */
    static final class Decode implements MapFunction<byte[], DecodeResult> {
        private static final long serialVersionUID = 1L;

        private final ChangeRecordDeserializationSchema schema =
                new ChangeRecordDeserializationSchema("benchmark", null);
        private long sequence;

        @Override
        public DecodeResult map(byte[] record) {
            if (FIRST_DECODE_NANOS.get() == 0) {
                FIRST_DECODE_NANOS.compareAndSet(0, System.nanoTime());
            }
            DECODED.increment();
            return schema.deserialize(
                    record, "", Long.toString(++sequence), 0L, STREAM, "shardId-benchmark");
        }
    }

    private List<MaterializedView> pipeline(LocalDynamoDb dynamoDb) throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        try (FaultyDynamoDbProxy proxy = FaultyDynamoDbProxy.start(dynamoDb.endpoint())) {
            JobConfig config = config(proxy.endpoint(), null);
            flushIntervalMs = config.flushInterval().toMillis();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM);
            List<MaterializedView> views =
                    ChangeViewsPipeline.build(
                            env,
                            config,
                            new AwsPipelineIo(config) {
                                @Override
                                public DataStream<DecodeResult> changes(
                                        StreamExecutionEnvironment env) {
                                    return env.fromSource(
                                                    new DataGeneratorSource<>(
                                                            new PreEncoded(),
                                                            events,
                                                            PrimitiveArrayTypeInfo
                                                                    .BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                                    WatermarkStrategy.noWatermarks(),
                                                    "Pre-encoded KDS records")
                                            .uid("pre-encoded-records")
                                            .map(
                                                    new Decode(),
                                                    TypeInformation.of(DecodeResult.class))
                                            .uid("decode")
                                            .name("Decode KDS records");
                                }
                            });
            LocalTables.createTargetTables(ddb, views);
            LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());

            progress(
                    String.format(
                            Locale.ROOT,
                            "pipeline: %,d events through a MiniCluster (parallelism %d), flush"
                                    + " interval %d ms, DynamoDB Local behind a counting proxy",
                            events,
                            PARALLELISM,
                            flushIntervalMs));
            ScheduledExecutorService ticker =
                    Executors.newSingleThreadScheduledExecutor(
                            task -> {
                                Thread thread = new Thread(task, "benchmark-progress");
                                thread.setDaemon(true);
                                return thread;
                            });
            ticker.scheduleAtFixedRate(
                    () ->
                            progress(
                                    String.format(
                                            Locale.ROOT,
                                            "pipeline: %,d decoded, %,d item writes in %,d"
                                                    + " BatchWriteItem calls",
                                            DECODED.sum(),
                                            totalWrites(proxy, views, config),
                                            proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM))),
                    5,
                    5,
                    TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            try {
                env.execute("changeviews-benchmark");
            } finally {
                ticker.shutdownNow();
            }
            long end = System.nanoTime();
            pipelineSeconds = (end - t0) / 1e9;
            pipelineStartUp = (FIRST_DECODE_NANOS.get() - t0) / 1e9;

            viewWrites = proxy.itemWrites(VIEW_TABLE);
            allWrites = totalWrites(proxy, views, config);
            batchCalls = proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM);
            List<String> perTable = new ArrayList<>();
            for (MaterializedView v : views) {
                long n = proxy.itemWrites(v.spec.targetTable());
                if (n > 0) {
                    perTable.add(String.format(Locale.ROOT, "%s %,d", v.spec.targetTable(), n));
                }
            }
            perTable.add(
                    String.format(
                            Locale.ROOT,
                            "dead letters %,d",
                            proxy.itemWrites(config.deadLetterTable())));
            writesPerTable = String.join(", ", perTable);
            progress(
                    String.format(
                            Locale.ROOT,
                            "pipeline: done in %.1f s (%.1f s until the first record): %s events/s;"
                                    + " item writes: %s; %,d BatchWriteItem calls",
                            pipelineSeconds,
                            pipelineStartUp,
                            rate(events / pipelineSeconds),
                            writesPerTable,
                            batchCalls));
            check = verify(ddb);
            return views;
        }
    }

    /** Item writes that landed in the views' tables and the dead-letter table. */
    private static long totalWrites(
            FaultyDynamoDbProxy proxy, List<MaterializedView> views, JobConfig config) {
        long n = proxy.itemWrites(config.deadLetterTable());
        for (MaterializedView v : views) {
            n += proxy.itemWrites(v.spec.targetTable());
        }
        return n;
    }

    /** Compares the view's table with the sums of the generator's live orders. */
    private String verify(DynamoDbClient ddb) {
        Map<String, Map<String, String>> actual = LocalTables.scanAsText(ddb, VIEW_TABLE, VIEW_KEY);
        long matching = 0;
        long wrong = 0;
        long missing = 0;
        for (Map.Entry<String, Long> e : workload.expectedSums.entrySet()) {
            Map<String, String> item = actual.get(e.getKey());
            if (item == null) {
                missing++;
            } else if (e.getValue().toString().equals(item.get("quantity"))) {
                matching++;
            } else {
                wrong++;
            }
        }
        long extra =
                actual.keySet().stream().filter(k -> !workload.expectedSums.containsKey(k)).count();
        String verdict =
                wrong + missing + extra == 0
                        ? String.format(Locale.ROOT, "OK (%,d keys)", matching)
                        : String.format(
                                Locale.ROOT,
                                "MISMATCH (%,d ok, %,d wrong, %,d missing, %,d extra)",
                                matching,
                                wrong,
                                missing,
                                extra);
        progress("verify: " + VIEW_TABLE + " " + verdict);
        return verdict;
    }

    /**
     * The seed's Lambda: one synchronous UpdateItem per event, in stream order, on one thread (a
     * Lambda invocation works through its batch in order), straight to DynamoDB Local without the
     * proxy.
     */
    private void baseline(DynamoDbClient ddb, List<MaterializedView> views) {
        // The Lambda adds to whatever is there: start it from an empty table, as the job started.
        LocalTables.delete(ddb, VIEW_TABLE);
        LocalTables.createTargetTables(ddb, views);
        progress(
                String.format(
                        Locale.ROOT,
                        "baseline: %,d UpdateItem (ADD quantity :delta) calls, the first %,d"
                                + " events",
                        baselineEvents,
                        baselineEvents));
        long t0 = System.nanoTime();
        int done = 0;
        for (LambdaUpdate u : workload.lambdaUpdates) {
            Map<String, AttributeValue> key = new HashMap<>();
            key.put(VIEW_KEY.get(0), AttributeValue.fromS(u.item));
            key.put(VIEW_KEY.get(1), AttributeValue.fromS(u.day));
            AttributeValue delta = AttributeValue.fromN(Integer.toString(u.delta));
            ddb.updateItem(
                    b ->
                            b.tableName(VIEW_TABLE)
                                    .key(key)
                                    .updateExpression("ADD quantity :delta")
                                    .expressionAttributeValues(
                                            Collections.singletonMap(":delta", delta)));
            if (++done % 5_000 == 0) {
                progress(String.format(Locale.ROOT, "baseline: %,d UpdateItem calls", done));
            }
        }
        baselineCalls = done;
        baselineSeconds = seconds(t0);
        progress(
                String.format(
                        Locale.ROOT,
                        "baseline: %,d UpdateItem calls in %.1f s = %s events/s",
                        done,
                        baselineSeconds,
                        rate(done / baselineSeconds)));
    }

    /**
     * The job with its Kinesis source, fed at a steady rate through kinesis-mock; latency = put →
     * aggregate written.
     */
    private void latency(LocalDynamoDb dynamoDb) throws Exception {
        progress("latency: starting kinesis-mock with a 2-shard stream");
        try (KinesisMock kinesis = KinesisMock.start(Collections.singletonMap(STREAM, 2));
                FaultyDynamoDbProxy proxy = FaultyDynamoDbProxy.start(dynamoDb.endpoint())) {
            Map<String, String> source = EndpointProperties.forEndpoint(kinesis.endpoint());
            source.put(JobConfig.STREAM_NAME, STREAM);
            source.put(JobConfig.INITIAL_POSITION, "TRIM_HORIZON");
            source.put("flink.shard.getrecords.intervalmillis", GETRECORDS_INTERVAL_MS);
            JobConfig config = config(proxy.endpoint(), source);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM);
            List<MaterializedView> views = ChangeViewsJob.build(env, config);
            LocalTables.createTargetTables(dynamoDb.client(), views);
            long t0 = System.nanoTime();
            JobClient job = env.executeAsync("changeviews-latency");
            try {
                if (!waitFor(
                        JOB_START_TIMEOUT, () -> job.getJobStatus().join() == JobStatus.RUNNING)) {
                    throw new IllegalStateException(
                            "The latency job did not reach RUNNING within " + JOB_START_TIMEOUT);
                }
                put(
                        kinesis.client(),
                        new Order("lat-warmup-order", LATENCY_ORDER_DATE, WARM_UP_ITEM, 1),
                        "latency-warmup");
                if (!waitFor(
                        JOB_START_TIMEOUT,
                        () -> aggregateWrites(proxy).containsKey(WARM_UP_ITEM))) {
                    throw new IllegalStateException(
                            "The warm-up record's aggregate was not written within "
                                    + JOB_START_TIMEOUT);
                }
                warmUpSeconds = seconds(t0);
                progress(
                        String.format(
                                Locale.ROOT,
                                "latency: job running, warm-up record aggregated %.1f s after"
                                        + " submission; putting %s records/s for %d s",
                                warmUpSeconds,
                                latencyRate,
                                latencySeconds));
                measureLatency(kinesis.client(), proxy);
            } finally {
                job.cancel().get();
            }
        }
    }

    private void measureLatency(KinesisClient kinesis, FaultyDynamoDbProxy proxy)
            throws InterruptedException {
        int total = (int) Math.round(latencySeconds * latencyRate);
        long period = (long) (1e9 / latencyRate);
        String[] item = new String[total];
        long[] runningSum = new long[total];
        long[] sent = new long[total];
        long[] putNanos = new long[total];
        Map<String, Long> sums = new HashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long wait = start + i * period - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            item[i] = "lat-" + (i % LATENCY_ITEMS);
            runningSum[i] = sums.merge(item[i], 1L, Long::sum);
            sent[i] = System.nanoTime();
            put(
                    kinesis,
                    new Order("lat-order-" + i, LATENCY_ORDER_DATE, item[i], 1),
                    "latency-" + i);
            putNanos[i] = System.nanoTime() - sent[i];
            if ((i + 1) % Math.max(1, (int) (latencyRate * 10)) == 0) {
                progress(
                        String.format(
                                Locale.ROOT, "latency: %,d of %,d records put", i + 1, total));
            }
        }
        double putSeconds = seconds(start);
        // Records still unobserved after the wait are reported as such rather than failing the run.
        waitFor(
                DRAIN_TIMEOUT,
                () -> {
                    Map<String, List<long[]>> written = aggregateWrites(proxy);
                    for (Map.Entry<String, Long> sum : sums.entrySet()) {
                        List<long[]> w = written.get(sum.getKey());
                        if (w == null || w.get(w.size() - 1)[1] < sum.getValue()) {
                            return false;
                        }
                    }
                    return true;
                });

        Map<String, List<long[]>> written = aggregateWrites(proxy);
        Map<String, Integer> cursor = new HashMap<>();
        latencies = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            List<long[]> w = written.getOrDefault(item[i], Collections.emptyList());
            int c = cursor.getOrDefault(item[i], 0);
            while (c < w.size() && w.get(c)[1] < runningSum[i]) {
                c++;
            }
            cursor.put(item[i], c);
            if (c < w.size()) {
                latencies.add((w.get(c)[0] - sent[i]) / 1e6);
            }
        }
        Collections.sort(latencies);
        latencyRecords = total;
        Arrays.sort(putNanos);
        putP50Millis = total == 0 ? 0 : putNanos[(total - 1) / 2] / 1e6;
        progress(
                String.format(
                        Locale.ROOT,
                        "latency: %,d records put in %.1f s, %,d observed; p50 / p99 / max %s ms",
                        total,
                        putSeconds,
                        latencies.size(),
                        latencyFigures()));
    }

    private String latencyFigures() {
        return latencies.isEmpty()
                ? "none observed"
                : String.format(
                        Locale.ROOT,
                        "%,.0f / %,.0f / %,.0f",
                        percentile(latencies, 50),
                        percentile(latencies, 99),
                        latencies.get(latencies.size() - 1));
    }

    private static void put(KinesisClient kinesis, Order order, String eventId) {
        byte[] record = encode(eventId, ChangeType.INSERT, Instant.now(), null, order);
        kinesis.putRecord(
                b ->
                        b.streamName(STREAM)
                                .partitionKey(order.id)
                                .data(SdkBytes.fromByteArray(record)));
    }

    /** The aggregate's writes per item number as (nanoTime, quantity), in the order they landed. */
    private static Map<String, List<long[]>> aggregateWrites(FaultyDynamoDbProxy proxy) {
        Map<String, List<long[]>> out = new HashMap<>();
        for (FaultyDynamoDbProxy.ObservedWrite w : proxy.writes()) {
            if (!w.table().equals(VIEW_TABLE) || w.isDelete()) {
                continue;
            }
            try {
                String item = JSON.readTree(w.key()).path(VIEW_KEY.get(0)).path("S").asText();
                JsonNode quantity = JSON.readTree(w.item()).path("quantity").path("N");
                out.computeIfAbsent(item, k -> new ArrayList<>())
                        .add(
                                new long[] {
                                    w.nanoTime(), new BigDecimal(quantity.asText()).longValue()
                                });
            } catch (IOException e) {
                throw new UncheckedIOException("Unreadable observed write " + w, e);
            }
        }
        return out;
    }

    private static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /**
     * The shipped configuration, its sinks pointed at {@code dynamoDbEndpoint} and, if given, its
     * source overridden.
     */
    private static JobConfig config(String dynamoDbEndpoint, Map<String, String> source)
            throws IOException {
        return config(dynamoDbEndpoint, source, new HashMap<>());
    }

    /**
     * The shipped configuration with the sinks on {@code dynamoDbEndpoint}, and the source and
     * other groups replaced.
     */
    static JobConfig config(
            String dynamoDbEndpoint,
            Map<String, String> source,
            Map<String, Map<String, String>> overrides)
            throws IOException {
        overrides.put(JobConfig.DYNAMODB, EndpointProperties.forEndpoint(dynamoDbEndpoint));
        overrides.put(ArchiveConfig.GROUP, ArchiveConfig.pathOverride(null));
        if (source != null) {
            overrides.put(JobConfig.SOURCE, source);
        }
        return JobConfig.from(
                ApplicationProperties.withOverrides(
                        ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), overrides));
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Polls until the condition holds; false if the timeout passed first. */
    private static boolean waitFor(Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    private void progress(String message) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", seconds(started), message);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** The report: one row per figure, the job next to the baseline. */
    private List<String[]> rows() {
        double pipelineRate = events / pipelineSeconds;
        double baselineRate = baselineCalls / baselineSeconds;
        List<String[]> rows = new ArrayList<>();
        rows.add(
                row(
                        "events/s, end to end",
                        rate(pipelineRate),
                        rate(baselineRate),
                        String.format(
                                Locale.ROOT,
                                "job: %,d events in %.1f s incl. %.1f s job start, %s events/s"
                                    + " after the first record; baseline: a sample of the first %,d"
                                    + " events, one thread, sync UpdateItem straight to DynamoDB"
                                    + " Local (job %.1fx)",
                                events,
                                pipelineSeconds,
                                pipelineStartUp,
                                rate(events / (pipelineSeconds - pipelineStartUp)),
                                baselineCalls,
                                pipelineRate / baselineRate)));
        rows.add(
                row(
                        "events/s, decode-only limit",
                        rate(decodeRate),
                        "-",
                        "one thread running ChangeRecordDeserializationSchema alone, JIT warm (2nd"
                                + " pass)"));
        rows.add(
                row(
                        "DynamoDB item writes / 1,000 events, " + VIEW_TABLE,
                        perThousand(viewWrites),
                        "1,000",
                        String.format(
                                Locale.ROOT,
                                "baseline by construction (a correct Lambda needs %s: a moved order"
                                    + " touches two keys); job: %,d writes, %,d keys at the end,"
                                    + " %.1f events per key per flush interval",
                                perThousand(events + workload.itemMoves),
                                viewWrites,
                                workload.expectedSums.size(),
                                pipelineRate
                                        * flushIntervalMs
                                        / 1000.0
                                        / workload.expectedSums.size())));
        rows.add(
                row(
                        "DynamoDB item writes / 1,000 events, all tables",
                        perThousand(allWrites),
                        "1,000 per view",
                        "job: "
                                + writesPerTable
                                + "; the Lambda keeps "
                                + VIEW_TABLE
                                + " only, each further view would cost it"
                                + " another write per event"));
        rows.add(
                row(
                        "write calls / 1,000 events",
                        perThousand(batchCalls) + " BatchWriteItem",
                        "1,000 UpdateItem",
                        String.format(
                                Locale.ROOT,
                                "job: %.1f items per BatchWriteItem (at most 25)",
                                (double) allWrites / Math.max(1, batchCalls))));
        rows.add(
                row(
                        VIEW_TABLE + " = generator's final state",
                        check,
                        "-",
                        "scan of the table vs SUM(quantity) per (item, day) of the generator's live"
                                + " orders"));
        rows.add(
                row(
                        "latency p50 / p99 / max, ms",
                        latencyFigures(),
                        "not measured",
                        String.format(
                                Locale.ROOT,
                                "%,d of %,d INSERTs at %s/s via kinesis-mock (PutRecord p50 %.0f"
                                    + " ms), put → first write of the item's aggregate that"
                                    + " includes it; bounded by flush interval %d ms and getrecords"
                                    + " interval %s ms; job submission to first aggregate %.1f s",
                                latencies.size(),
                                latencyRecords,
                                latencyRate,
                                putP50Millis,
                                flushIntervalMs,
                                GETRECORDS_INTERVAL_MS,
                                warmUpSeconds)));
        rows.addAll(sentimentRows);
        return rows;
    }

    private static String[] row(String figure, String job, String baseline, String note) {
        return new String[] {figure, job, baseline, note};
    }

    private static String rate(double eventsPerSecond) {
        return String.format(Locale.ROOT, "%,.0f", eventsPerSecond);
    }

    private String perThousand(long count) {
        return String.format(
                Locale.ROOT,
                count * 1000L >= 100L * events ? "%,.0f" : "%,.1f",
                count * 1000.0 / events);
    }

    private static void printTable(List<String[]> rows) {
        String[] header = {"figure", "this job", "baseline", "note"};
        int[] width = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] r : all) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < header.length; c++) {
            rule.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        }
        for (int i = 0; i < all.size(); i++) {
            String[] r = all.get(i);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                String cell = c == r.length - 1 ? r[c] : String.format("%-" + width[c] + "s", r[c]);
                line.append(c == 0 ? "" : " | ").append(cell);
            }
            System.out.println(line);
            if (i == 0) {
                System.out.println(rule);
            }
        }
    }
}
