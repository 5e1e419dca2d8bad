package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.connectors.change.DecodeException;
import io.changeviews.job.AwsPipelineIo;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.JobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
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
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The fault suite's bad input (MiniCluster, parallelism 2, DynamoDB Local, kinesis-mock): {@value
 * #BAD} records that are truncated, not JSON at all, wrongly typed, over DynamoDB's 400 KB item
 * limit or of a table the configuration does not declare are mixed at random into the records of
 * {@value #OPERATIONS} random changes, on a job that may not restart: it must not fail, every bad
 * record must be in the dead-letter table with the reason the decoder (or, for an undeclared table,
 * the configuration) gives for it, and every view must equal a recomputation from a scan.
 */
class BadInputFaultsITCase {
    private static final String STREAM = "bad-input";
    private static final int OPERATIONS = 10_000;
    private static final int BAD = 10_000;
    private static final int OVERSIZED = 20;
    private static final Duration SETTLE = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        kinesis.createStream(STREAM, 16);
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        kinesis.close();
        dynamoDb.close();
    }

    @Test
    void tenThousandBadRecordsAreDeadLettersWithTheirReasonsAndTheJobNeverFails() throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        // Each GetRecords costs kinesis-mock more as the stream grows: fewer calls.
        JobConfig config =
                EmulatedPipeline.config(
                        kinesis.endpoint(),
                        dynamoDb.endpoint(),
                        STREAM,
                        Map.of(
                                JobConfig.SOURCE,
                                Map.of("flink.shard.getrecords.intervalmillis", "1000")));
        LocalTables.createSourceTables(ddb, false);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());

        long started = System.nanoTime();
        Random random = new Random(17);
        List<byte[]> valid = new StampedBatches(new SampleData(19), ddb, "bad-").next(OPERATIONS);
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        List<ChangeEvent> changes = new ArrayList<>();
        for (byte[] record : valid) {
            changes.add(decoder.decode(record, null, null));
        }
        Map<String, Function<byte[], byte[]>> kinds = badKinds(random);
        // The oversized ones are 20, not a ninth of the records: each is 410 KB.
        List<String> kindNames = new ArrayList<>(kinds.keySet());
        kindNames.remove("oversized");
        Map<String, Integer> madeByKind = new TreeMap<>();
        Map<String, Integer> expectedReasons = new TreeMap<>();
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        List<PutRecordsRequestEntry> oversized = new ArrayList<>();
        for (int i = 0; i < valid.size(); i++) {
            ChangeEvent e = changes.get(i);
            entries.add(entry(e.tableName() + e.itemKey(), valid.get(i)));
        }
        // The bad records go in at random places between the valid ones, which keep their order.
        List<PutRecordsRequestEntry> mixed = new ArrayList<>(entries);
        for (int b = 0; b < BAD; b++) {
            String kind =
                    b < OVERSIZED ? "oversized" : kindNames.get(random.nextInt(kindNames.size()));
            byte[] bad = kinds.get(kind).apply(valid.get(random.nextInt(valid.size())));
            madeByKind.merge(kind, 1, Integer::sum);
            expectedReasons.merge(reason(decoder, bad), 1, Integer::sum);
            PutRecordsRequestEntry entry = entry("bad-" + b, bad);
            if (kind.equals("oversized")) {
                oversized.add(entry);
            } else {
                mixed.add(random.nextInt(mixed.size() + 1), entry);
            }
        }
        EmulatedPipeline.putAll(kinesis.client(), STREAM, mixed);
        // One to a call: PutRecords takes 5 MB at most.
        for (PutRecordsRequestEntry e : oversized) {
            EmulatedPipeline.putAll(kinesis.client(), STREAM, List.of(e));
        }

        System.out.printf(
                "bad input: %,d records made and put in %,d s%n",
                mixed.size() + oversized.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(1_000);
        // A failure must show: no restart hides it.
        env.setRestartStrategy(RestartStrategies.noRestart());
        List<MaterializedView> views =
                ChangeViewsPipeline.build(env, config, new AwsPipelineIo(config));
        LocalTables.createTargetTables(ddb, views);
        JobClient job = env.executeAsync("bad-input-faults");
        Map<String, Integer> reasons;
        try {
            EmulatedPipeline.awaitViews(
                    ddb,
                    views,
                    new ExpectedViews(EmulatedPipeline.scanSeedTables(ddb), changes),
                    SETTLE);
            reasons = awaitDeadLetters(ddb, config.deadLetterTable(), BAD);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
        System.out.printf(
                "bad input: %,d valid changes, %,d bad records %s, %,d dead letters, %,d distinct"
                        + " reasons%n",
                OPERATIONS,
                BAD,
                madeByKind,
                reasons.values().stream().mapToInt(Integer::intValue).sum(),
                reasons.size());
        assertThat(reasons).isEqualTo(expectedReasons);
        assertThat(madeByKind).containsOnlyKeys(kinds.keySet()).hasSize(kinds.size());
    }

    /** How each kind of bad record is made from a valid one. */
    private static Map<String, Function<byte[], byte[]>> badKinds(Random random) {
        Map<String, Function<byte[], byte[]>> kinds = new TreeMap<>();
        kinds.put("truncated", r -> Arrays.copyOf(r, 1 + random.nextInt(r.length - 1)));
        kinds.put(
                "not UTF-8",
                r -> {
                    byte[] garbage = new byte[1 + random.nextInt(200)];
                    random.nextBytes(garbage);
                    garbage[0] = (byte) 0xFF;
                    return garbage;
                });
        kinds.put(
                "number not a number",
                r -> edit(r, d -> d.with("Keys").putObject("orderid").put("N", "twelve")));
        kinds.put(
                "string as a number",
                r -> edit(r, d -> d.with("Keys").putObject("orderid").put("S", 12)));
        kinds.put(
                "boolean key",
                r -> edit(r, d -> d.with("Keys").putObject("orderid").put("BOOL", true)));
        kinds.put(
                "time as text",
                r -> edit(r, d -> d.put("ApproximateCreationDateTime", "yesterday")));
        kinds.put(
                "unknown event name",
                r -> {
                    ObjectNode json = parse(r);
                    json.put("eventName", "UPSERT");
                    return json.toString().getBytes(StandardCharsets.UTF_8);
                });
        kinds.put(
                "undeclared table",
                r -> {
                    ObjectNode json = parse(r);
                    json.put("tableName", "NotDeclared");
                    return json.toString().getBytes(StandardCharsets.UTF_8);
                });
        kinds.put(
                "oversized",
                r ->
                        edit(
                                r,
                                d ->
                                        d.putObject("NewImage")
                                                .putObject("body")
                                                .put("S", "x".repeat(410_000))));
        return kinds;
    }

    private static byte[] edit(byte[] record, Consumer<ObjectNode> change) {
        ObjectNode json = parse(record);
        change.accept((ObjectNode) json.get("dynamodb"));
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode parse(byte[] record) {
        try {
            return (ObjectNode) JSON.readTree(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reason the job gives for a bad record: the decoder's, or the undeclared table's. */
    private static String reason(ChangeRecordDecoder decoder, byte[] bad) {
        try {
            ChangeEvent e = decoder.decode(bad, null, null);
            assertThat(e.tableName()).as("a bad record that decodes").isEqualTo("NotDeclared");
            return "table 'NotDeclared' is not declared (no table.* group names it); source /"
                    + " other-tables = skip ignores such changes";
        } catch (DecodeException e) {
            return e.getMessage();
        }
    }

    private static PutRecordsRequestEntry entry(String partitionKey, byte[] data) {
        return PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArray(data))
                .build();
    }

    /** Waits for {@code count} dead letters; returns how many there are of each reason. */
    private static Map<String, Integer> awaitDeadLetters(
            DynamoDbClient ddb, String table, int count) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, Map<String, String>> letters;
        do {
            letters = LocalTables.scanAsText(ddb, table, List.of("source", "position"));
            if (letters.size() >= count) {
                break;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        return letters.values().stream()
                .collect(
                        Collectors.toMap(l -> l.get("reason"), l -> 1, Integer::sum, TreeMap::new));
    }
}
