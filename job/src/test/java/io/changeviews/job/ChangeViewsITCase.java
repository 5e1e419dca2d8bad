package io.changeviews.job;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.connectors.change.DdbValue;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.local.KinesisMock;
import io.changeviews.job.local.LocalDynamoDb;
import io.changeviews.job.local.LocalRunner;
import io.changeviews.job.local.LocalTables;
import io.changeviews.job.local.RepoPaths;
import io.changeviews.job.local.SampleData;
import io.changeviews.job.local.SdkItems;
import io.changeviews.job.local.StreamRelay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on a MiniCluster (parallelism 2) against DynamoDB Local and the Kinesis emulator:
 * random inserts, updates and deletes on the seed tables travel as KDS-for-DynamoDB records, with
 * injected duplicates, reordering and malformed records; every view's DynamoDB table must equal a
 * recomputation from a scan of the source tables, and a replay from TRIM_HORIZON into fresh state
 * and empty target tables must write the same tables again.
 */
class ChangeViewsITCase {
    private static final String STREAM = "delivered-changes";
    private static final int OPERATIONS = 2_500;
    private static final long START_MICROS = 1_795_320_000_000_000L;
    private static final Duration SETTLE = Duration.ofMinutes(3);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static LocalDynamoDb dynamoDb;
    private static KinesisMock kinesis;

    @BeforeAll
    static void startEmulators() {
        dynamoDb = LocalDynamoDb.start();
        kinesis = KinesisMock.start();
        kinesis.createStream(STREAM, 2);
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        kinesis.close();
        dynamoDb.close();
    }

    private static JobConfig config() throws Exception {
        Map<String, Map<String, String>> overrides = new HashMap<>();
        Map<String, String> source = LocalRunner.localAws(kinesis.endpoint());
        source.put(JobConfig.STREAM_NAME, STREAM);
        source.put(JobConfig.INITIAL_POSITION, "TRIM_HORIZON");
        source.put("flink.shard.getrecords.intervalmillis", "100");
        overrides.put(JobConfig.SOURCE, source);
        Map<String, String> sink = LocalRunner.localAws(dynamoDb.endpoint());
        sink.put(JobConfig.FLUSH_INTERVAL_MS, "300");
        overrides.put(JobConfig.DYNAMODB, sink);
        return JobConfig.from(ApplicationProperties.withOverrides(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), overrides));
    }

    @Test
    void viewsEqualARecomputationFromTheSourceTablesAndAReplayWritesThemAgain() throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        KinesisClient kds = kinesis.client();
        JobConfig config = config();
        LocalTables.createSourceTables(ddb);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());

        SampleData data = new SampleData(7);
        Map<String, List<Long>> changeTimes = new HashMap<>();
        for (int i = 0; i < OPERATIONS; i++) {
            SampleData.Operation op = data.next();
            changeTimes.computeIfAbsent(op.table, t -> new ArrayList<>()).add(START_MICROS + i * 1000L);
            op.applyTo(ddb);
        }
        List<byte[]> records = kdsRecords(dynamoDb.streamsClient(), changeTimes);
        assertThat(records).hasSize(OPERATIONS);

        Delivery delivery = perturb(records, new Random(11));
        assertThat(delivery.reorderedPairs).as("same-item changes delivered out of order").isGreaterThan(50);
        assertThat(delivery.duplicates).isGreaterThan(100);
        putInOrder(kds, delivery.entries);

        Map<String, List<Map<String, DdbValue>>> finalTables = new HashMap<>();
        for (String table : SampleData.TABLES) {
            List<Map<String, DdbValue>> items = new ArrayList<>();
            ddb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> items.add(SdkItems.fromSdk(item)));
            finalTables.put(table, items);
        }
        ExpectedViews expected = new ExpectedViews(finalTables, delivery.distinctChanges);

        List<ChangeViewsPipeline.MaterializedView> views = runUntilViewsMatch(config, ddb, expected);
        Map<String, Map<String, Map<String, String>>> firstRun = snapshot(ddb, views);

        Map<String, Map<String, String>> deadLetters = LocalTables.scanAsText(ddb, config.deadLetterTable(), List.of("source", "position"));
        assertThat(deadLetters.values()).extracting(m -> m.get("reason").replaceFirst(":.*", ""))
                .containsExactlyInAnyOrder(
                        "malformed JSON",
                        "unknown eventName 'UPSERT', expected INSERT, MODIFY or REMOVE",
                        "missing dynamodb.Keys");
        assertThat(deadLetters.values()).allSatisfy(m -> assertThat(m.get("source")).startsWith("kinesis:" + STREAM + "/shardId-"));

        for (ChangeViewsPipeline.MaterializedView v : views) {
            LocalTables.delete(ddb, v.spec.targetTable());
        }
        runUntilViewsMatch(config, ddb, expected);
        assertThat(snapshot(ddb, views)).isEqualTo(firstRun);
    }

    /** Starts the job with fresh state, waits until every view's table equals the expectation, then cancels it. */
    private static List<ChangeViewsPipeline.MaterializedView> runUntilViewsMatch(JobConfig config, DynamoDbClient ddb, ExpectedViews expected)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<ChangeViewsPipeline.MaterializedView> views = ChangeViewsJob.build(env, config);
        LocalTables.createTargetTables(ddb, views);
        JobClient job = env.executeAsync("changeviews-itcase");
        try {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            Map<String, Map<String, List<String>>> actual = new TreeMap<>();
            Map<String, Map<String, List<String>>> wanted = new TreeMap<>();
            for (ChangeViewsPipeline.MaterializedView v : views) {
                wanted.put(v.spec.name(), expected.of(v.spec.name()));
            }
            do {
                actual.clear();
                for (ChangeViewsPipeline.MaterializedView v : views) {
                    actual.put(v.spec.name(), rows(ddb, v));
                }
                if (actual.equals(wanted)) {
                    return views;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
            assertThat(actual).isEqualTo(wanted);
            return views;
        } finally {
            job.cancel().get();
        }
    }

    /** A view's table as key → column values in the view's column order. */
    static Map<String, List<String>> rows(DynamoDbClient ddb, ChangeViewsPipeline.MaterializedView v) {
        Map<String, List<String>> out = new TreeMap<>();
        LocalTables.scanAsText(ddb, v.spec.targetTable(), v.spec.targetKey()).forEach((key, item) -> {
            List<String> values = new ArrayList<>();
            v.columns.forEach(c -> values.add(item.get(c)));
            out.put(key, values);
        });
        return out;
    }

    private static Map<String, Map<String, Map<String, String>>> snapshot(DynamoDbClient ddb, List<ChangeViewsPipeline.MaterializedView> views) {
        Map<String, Map<String, Map<String, String>>> out = new TreeMap<>();
        views.forEach(v -> out.put(v.spec.targetTable(), LocalTables.scanAsText(ddb, v.spec.targetTable(), v.spec.targetKey())));
        return out;
    }

    /**
     * The seed tables' DynamoDB Streams records as KDS-for-DynamoDB JSON, in the order the changes
     * were made. DynamoDB Local stamps changes to the minute only, so each record gets the time its
     * operation was issued, in microseconds, as KDS does with MICROSECOND precision.
     */
    private static List<byte[]> kdsRecords(DynamoDbStreamsClient streams, Map<String, List<Long>> changeTimes) {
        TreeMap<Long, byte[]> byTime = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String table : SampleData.TABLES) {
            String arn = streams.listStreams(b -> b.tableName(table)).streams().get(0).streamArn();
            List<Record> read = new ArrayList<>();
            for (Shard shard : streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards()) {
                String iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null) {
                    String it = iterator;
                    var response = streams.getRecords(b -> b.shardIterator(it));
                    read.addAll(response.records());
                    iterator = response.records().isEmpty() ? null : response.nextShardIterator();
                }
            }
            List<Long> times = changeTimes.get(table);
            assertThat(read).hasSameSizeAs(times);
            for (int k = 0; k < read.size(); k++) {
                try {
                    ObjectNode record = (ObjectNode) json.readTree(StreamRelay.toKdsJson(table, read.get(k)));
                    ((ObjectNode) record.get("dynamodb")).put("ApproximateCreationDateTime", times.get(k))
                            .put("ApproximateCreationDateTimePrecision", "MICROSECOND");
                    byTime.put(times.get(k), json.writeValueAsBytes(record));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return new ArrayList<>(byTime.values());
    }

    /** What the test delivers to the job's stream, and what it did to the clean relay output. */
    private static final class Delivery {
        final List<PutRecordsRequestEntry> entries = new ArrayList<>();
        final List<ChangeEvent> distinctChanges = new ArrayList<>();
        int reorderedPairs;
        int duplicates;
    }

    /**
     * Delays every record by up to 12 positions, swaps a third of each item's consecutive changes,
     * and repeats a tenth of the records up to 20 positions later, as producer retries do.
     */
    private static Delivery perturb(List<byte[]> records, Random random) throws Exception {
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        Delivery d = new Delivery();
        List<double[]> order = new ArrayList<>();
        Map<String, Integer> previousOfItem = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            ChangeEvent e = decoder.decode(records.get(i), null, null);
            d.distinctChanges.add(e);
            order.add(new double[] {i + random.nextDouble() * 12, i});
            Integer previous = previousOfItem.put(e.tableName() + e.itemKey(), i);
            if (previous != null && random.nextInt(3) == 0) {
                double swap = order.get(previous)[0];
                order.get(previous)[0] = order.get(i)[0];
                order.get(i)[0] = swap;
            }
        }
        for (int i = 0; i < records.size(); i++) {
            if (random.nextInt(10) == 0) {
                order.add(new double[] {order.get(i)[0] + 1 + random.nextInt(20), i});
                d.duplicates++;
            }
        }
        order.sort(Comparator.comparingDouble(o -> o[0]));
        Map<String, Long> lastTime = new HashMap<>();
        Set<Integer> delivered = new HashSet<>();
        for (double[] o : order) {
            int i = (int) o[1];
            ChangeEvent e = d.distinctChanges.get(i);
            String item = e.tableName() + e.itemKey();
            if (delivered.add(i)) {
                Long last = lastTime.get(item);
                if (last != null && last > e.changeTimeMicros()) {
                    d.reorderedPairs++;
                }
                lastTime.merge(item, e.changeTimeMicros(), Math::max);
            }
            d.entries.add(PutRecordsRequestEntry.builder().partitionKey(item).data(SdkBytes.fromByteArray(records.get(i))).build());
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode unknownEvent = (ObjectNode) json.readTree(records.get(0));
        unknownEvent.put("eventName", "UPSERT");
        ObjectNode noKeys = (ObjectNode) json.readTree(records.get(1));
        ((ObjectNode) noKeys.get("dynamodb")).remove("Keys");
        d.entries.add(d.entries.size() / 3, garbage("{not json"));
        d.entries.add(d.entries.size() / 2, garbage(unknownEvent.toString()));
        d.entries.add(garbage(noKeys.toString()));
        return d;
    }

    private static PutRecordsRequestEntry garbage(String payload) {
        return PutRecordsRequestEntry.builder().partitionKey("garbage").data(SdkBytes.fromUtf8String(payload)).build();
    }

    /** Puts in batches with at most one record per item, so that a retried failure cannot reorder an item's records. */
    private static void putInOrder(KinesisClient kds, List<PutRecordsRequestEntry> entries) {
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        Set<String> keysInBatch = new HashSet<>();
        for (PutRecordsRequestEntry e : entries) {
            if (batch.size() == 500 || !keysInBatch.add(e.partitionKey())) {
                flush(kds, batch);
                keysInBatch.clear();
                keysInBatch.add(e.partitionKey());
            }
            batch.add(e);
        }
        flush(kds, batch);
    }

    private static void flush(KinesisClient kds, List<PutRecordsRequestEntry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<PutRecordsRequestEntry> pending = new ArrayList<>(batch);
        while (!pending.isEmpty()) {
            List<PutRecordsRequestEntry> sent = pending;
            var response = kds.putRecords(b -> b.streamName(STREAM).records(sent));
            pending = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                if (response.records().get(i).errorCode() != null) {
                    pending.add(sent.get(i));
                }
            }
        }
        batch.clear();
    }
}
