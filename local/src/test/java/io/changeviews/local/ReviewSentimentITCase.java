package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
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
 * Review enrichment through Amazon Comprehend's real async SDK client against a local Comprehend
 * endpoint that throttles 30 % of calls, answers some slowly (past the client's timeout), fails
 * some with 5xx and some documents with per-document errors; MiniCluster with parallelism 2,
 * DynamoDB Local and the Kinesis emulator, random review inserts, text edits, rating edits and
 * deletes, with duplicate deliveries. The sentiment items and per-product summaries must equal a
 * recomputation from a scan of the reviews table (every review scored exactly once in the counts);
 * a replay from TRIM_HORIZON into fresh state and empty view tables must make no Comprehend call
 * and write the same items.
 */
class ReviewSentimentITCase {
    private static final String STREAM = "review-changes";
    private static final int OPERATIONS = 700;
    private static final long START_MICROS = 1_795_320_000_000_000L;
    private static final Duration SETTLE = Duration.ofMinutes(3);
    private static final List<String> REVIEW_VIEWS =
            List.of("review_sentiment", "review_summary", "review_sentiment_hourly");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static LocalDynamoDb dynamoDb;
    private static KinesisMock kinesis;
    private static LocalComprehend comprehend;

    @BeforeAll
    static void startEmulators() {
        dynamoDb = LocalDynamoDb.start();
        kinesis = KinesisMock.start();
        kinesis.createStream(STREAM, 2);
        comprehend = LocalComprehend.start(17);
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        comprehend.close();
        kinesis.close();
        dynamoDb.close();
    }

    @Test
    void everyReviewIsCountedOnceDespiteFaultsAndAReplayCallsComprehendNoMore() throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        KinesisClient kds = kinesis.client();
        Map<String, String> sentiment = EmulatedPipeline.comprehendSentiment(comprehend.endpoint());
        JobConfig config =
                EmulatedPipeline.config(
                        kinesis.endpoint(),
                        dynamoDb.endpoint(),
                        STREAM,
                        Map.of(SentimentConfig.SENTIMENT, sentiment));
        LocalTables.createSourceTables(ddb);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        LocalTables.createSentimentCacheTable(ddb, config.sentiment().cacheTable());

        SampleData data = new SampleData(5, List.of(SampleData.REVIEWS));
        Map<String, List<Long>> changeTimes = new HashMap<>();
        for (int i = 0; i < OPERATIONS; i++) {
            SampleData.Operation op = data.next();
            changeTimes
                    .computeIfAbsent(op.table, t -> new ArrayList<>())
                    .add(START_MICROS + i * 7_000_000L);
            op.applyTo(ddb);
        }
        List<byte[]> records = EmulatedPipeline.kdsRecords(dynamoDb.streamsClient(), changeTimes);
        // Every tenth record is delivered twice; each item's records stay in order, so a replay
        // applies the same versions.
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        List<ChangeEvent> changes = new ArrayList<>();
        Random random = new Random(3);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (byte[] r : records) {
            ChangeEvent change = decoder.decode(r, null, null);
            changes.add(change);
            PutRecordsRequestEntry e =
                    PutRecordsRequestEntry.builder()
                            .partitionKey(change.itemKey())
                            .data(SdkBytes.fromByteArray(r))
                            .build();
            entries.add(e);
            if (random.nextInt(10) == 0) {
                entries.add(e);
            }
        }
        EmulatedPipeline.putInOrder(kds, STREAM, entries);

        comprehend
                .throttleFraction(0.3)
                .slowFraction(0.15, 1_500)
                .serverErrorFraction(0.05)
                .documentErrorFraction(0.05);
        ExpectedViews expected =
                new ExpectedViews(
                        EmulatedPipeline.scanSeedTables(ddb),
                        changes,
                        ExpectedViews.localComprehendScores());
        List<MaterializedView> views = runUntilReviewViewsMatch(config, ddb, expected);
        long callsAfterFirstRun = comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT);
        Map<String, Map<String, Map<String, String>>> firstRun =
                EmulatedPipeline.snapshot(ddb, views);
        assertThat(comprehend.throttledCalls()).isPositive();
        assertThat(comprehend.slowCalls()).isPositive();
        assertThat(comprehend.documentErrors()).isPositive();
        int reviews = data.items(SampleData.REVIEWS).size();
        assertThat(firstRun.get("review_sentiment")).hasSize(reviews);

        for (MaterializedView v : views) {
            LocalTables.delete(ddb, v.spec.targetTable());
        }
        runUntilReviewViewsMatch(config, ddb, expected);
        assertThat(comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT))
                .as("Comprehend calls of the replay")
                .isEqualTo(callsAfterFirstRun);
        assertThat(EmulatedPipeline.snapshot(ddb, views)).isEqualTo(firstRun);
    }

    /**
     * Starts the job with fresh state, waits until the review views' tables equal the expectation,
     * then cancels it.
     */
    private static List<MaterializedView> runUntilReviewViewsMatch(
            JobConfig config, DynamoDbClient ddb, ExpectedViews expected) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<MaterializedView> all = ChangeViewsJob.build(env, config);
        LocalTables.createTargetTables(ddb, all);
        List<MaterializedView> views =
                all.stream()
                        .filter(v -> REVIEW_VIEWS.contains(v.spec.name()))
                        .collect(Collectors.toList());
        JobClient job = env.executeAsync("review-sentiment-itcase");
        try {
            EmulatedPipeline.awaitViews(ddb, views, expected, SETTLE);
            return views;
        } finally {
            job.cancel().get();
        }
    }
}
