package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.config.JobConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

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
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

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

    @Test
    void viewsEqualARecomputationFromTheSourceTablesAndAReplayWritesThemAgain() throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        KinesisClient kds = kinesis.client();
        JobConfig config =
                EmulatedPipeline.config(kinesis.endpoint(), dynamoDb.endpoint(), STREAM, Map.of());
        LocalTables.createSourceTables(ddb);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());

        SampleData data = new SampleData(7);
        Map<String, List<Long>> changeTimes = new HashMap<>();
        for (int i = 0; i < OPERATIONS; i++) {
            SampleData.Operation op = data.next();
            changeTimes
                    .computeIfAbsent(op.table, t -> new ArrayList<>())
                    .add(START_MICROS + i * 1000L);
            op.applyTo(ddb);
        }
        List<byte[]> records = EmulatedPipeline.kdsRecords(dynamoDb.streamsClient(), changeTimes);
        assertThat(records).hasSize(OPERATIONS);

        Delivery delivery = perturb(records, new Random(11));
        assertThat(delivery.reorderedPairs)
                .as("same-item changes delivered out of order")
                .isGreaterThan(50);
        assertThat(delivery.duplicates).isGreaterThan(100);
        EmulatedPipeline.putInOrder(kds, STREAM, delivery.entries);

        ExpectedViews expected =
                new ExpectedViews(EmulatedPipeline.scanSeedTables(ddb), delivery.distinctChanges);

        List<ChangeViewsPipeline.MaterializedView> views =
                runUntilViewsMatch(config, ddb, expected);
        Map<String, Map<String, Map<String, String>>> firstRun =
                EmulatedPipeline.snapshot(ddb, views);

        Map<String, Map<String, String>> deadLetters =
                LocalTables.scanAsText(
                        ddb, config.deadLetterTable(), List.of("source", "position"));
        assertThat(deadLetters.values())
                .extracting(m -> m.get("reason").replaceFirst(":.*", ""))
                .containsExactlyInAnyOrder(
                        "malformed JSON",
                        "unknown eventName 'UPSERT', expected INSERT, MODIFY or REMOVE",
                        "missing dynamodb.Keys");
        assertThat(deadLetters.values())
                .allSatisfy(
                        m ->
                                assertThat(m.get("source"))
                                        .startsWith("kinesis:" + STREAM + "/shardId-"));

        for (ChangeViewsPipeline.MaterializedView v : views) {
            LocalTables.delete(ddb, v.spec.targetTable());
        }
        runUntilViewsMatch(config, ddb, expected);
        assertThat(EmulatedPipeline.snapshot(ddb, views)).isEqualTo(firstRun);
    }

    /**
     * Starts the job with fresh state, waits until every view's table equals the expectation, then
     * cancels it.
     */
    private static List<ChangeViewsPipeline.MaterializedView> runUntilViewsMatch(
            JobConfig config, DynamoDbClient ddb, ExpectedViews expected) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<ChangeViewsPipeline.MaterializedView> views = ChangeViewsJob.build(env, config);
        LocalTables.createTargetTables(ddb, views);
        JobClient job = env.executeAsync("changeviews-itcase");
        try {
            EmulatedPipeline.awaitViews(ddb, views, expected, SETTLE);
            return views;
        } finally {
            job.cancel().get();
        }
    }

    /** What the test delivers to the job's stream, and what it did to the changes. */
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
            d.entries.add(
                    PutRecordsRequestEntry.builder()
                            .partitionKey(item)
                            .data(SdkBytes.fromByteArray(records.get(i)))
                            .build());
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
        return PutRecordsRequestEntry.builder()
                .partitionKey("garbage")
                .data(SdkBytes.fromUtf8String(payload))
                .build();
    }
}
