package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.sentiment.ReviewScoring;
import io.changeviews.local.LocalComprehend;
import io.changeviews.local.LocalDynamoDb;
import io.changeviews.local.LocalEnvironment;
import io.changeviews.local.LocalTables;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import software.amazon.awssdk.services.comprehend.ComprehendClient;

/**
 * The benchmark's sentiment figures, beside the seed's Lambda, which calls DetectSentiment once per
 * review event.
 */
final class SentimentBenchmark {
    private static final int BASELINE_REVIEWS = 2_000;

    /** Review changes through the enrichment with the embedded engine. */
    final int changes;

    final double embeddedSeconds;

    /** The seed's one sync DetectSentiment per review, reviews per second. */
    final double baselineRate;

    /** Review changes through the Comprehend path, the first of {@link #changes}. */
    final int comprehendChanges;

    /** Of those, the changes that carry a text to score. */
    final long toScore;

    /** Of those, the review events on which the seed's Lambda would call DetectSentiment. */
    final long reviewEvents;

    final long firstCalls;
    final long firstDocuments;
    final long replayCalls;

    private SentimentBenchmark(
            int changes,
            double embeddedSeconds,
            double baselineRate,
            int comprehendChanges,
            long toScore,
            long reviewEvents,
            long firstCalls,
            long firstDocuments,
            long replayCalls) {
        this.changes = changes;
        this.embeddedSeconds = embeddedSeconds;
        this.baselineRate = baselineRate;
        this.comprehendChanges = comprehendChanges;
        this.toScore = toScore;
        this.reviewEvents = reviewEvents;
        this.firstCalls = firstCalls;
        this.firstDocuments = firstDocuments;
        this.replayCalls = replayCalls;
    }

    /**
     * Review changes per second through the enrichment with the embedded engine, and
     * BatchDetectSentiment calls per 1,000 reviews through the Comprehend path (real SDK client,
     * local Comprehend endpoint) on a first run and on a replay into fresh state.
     */
    static SentimentBenchmark measure(
            LocalDynamoDb dynamoDb, int changes, int comprehendReviews, Progress progress)
            throws Exception {
        int comprehendChanges = Math.min(changes, comprehendReviews);
        ReviewWorkload reviews = new ReviewWorkload(changes);

        progress.print(
                String.format(
                        Locale.ROOT,
                        "sentiment: %,d review changes through the enrichment, embedded engine",
                        changes));
        double embeddedSeconds = enrich(dynamoDb, null, reviews, changes);

        try (LocalComprehend comprehend = LocalComprehend.start(ReviewWorkload.SEED)) {
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "sentiment: baseline, one sync DetectSentiment per review, %,d reviews",
                            BASELINE_REVIEWS));
            double baselineRate = baseline(comprehend, reviews.texts());

            LocalTables.createSentimentCacheTable(dynamoDb.client(), "changeviews_sentiment_cache");
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "sentiment: %,d review changes through the Comprehend path",
                            comprehendChanges));
            long baselineDocuments = comprehend.scoredDocuments();
            enrich(dynamoDb, comprehend, reviews, comprehendChanges);
            long firstCalls = comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT);
            long documents = comprehend.scoredDocuments() - baselineDocuments;
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "sentiment: %,d calls, %,d documents scored",
                            firstCalls,
                            documents));
            progress.print("sentiment: the same changes again, fresh job state (a replay)");
            enrich(dynamoDb, comprehend, reviews, comprehendChanges);
            long replayCalls =
                    comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT) - firstCalls;
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "sentiment: replay: %,d calls, %,d documents scored",
                            replayCalls,
                            comprehend.scoredDocuments() - baselineDocuments - documents));

            return new SentimentBenchmark(
                    changes,
                    embeddedSeconds,
                    baselineRate,
                    comprehendChanges,
                    reviews.toScore(comprehendChanges),
                    reviews.reviewEvents(comprehendChanges),
                    firstCalls,
                    documents,
                    replayCalls);
        }
    }

    /**
     * The first {@code n} review records through decode, normalization and enrichment; returns the
     * seconds it took.
     */
    private static double enrich(
            LocalDynamoDb dynamoDb, LocalComprehend comprehend, ReviewWorkload reviews, int n)
            throws Exception {
        Map<String, Map<String, String>> overrides = new HashMap<>();
        if (comprehend != null) {
            Map<String, String> sentiment = EndpointProperties.forEndpoint(comprehend.endpoint());
            sentiment.put(SentimentConfig.ENGINE, "comprehend");
            // The local endpoint has no quota; Comprehend's default for BatchDetectSentiment is far
            // lower.
            sentiment.put(SentimentConfig.CALLS_PER_SECOND, "1000");
            overrides.put(SentimentConfig.SENTIMENT, sentiment);
        }
        JobConfig config = JobUnderTest.config(dynamoDb.endpoint(), null, overrides);
        try (EncodedFeed feed = new EncodedFeed(reviews.asShards(n))) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
            DataStream<DecodeResult> decoded =
                    feed.decoded(env, "Pre-encoded review records", JobUnderTest.STREAM);
            ChangeViewsPipeline.registerSourceTables(
                    tEnv, config, decoded, ReviewScoring.configured(config));
            DataStream<Row> enriched =
                    tEnv.toDataStream(
                            tEnv.from(config.sentiment().table().sqlName() + "_enriched_changes"));
            enriched.sinkTo(new DiscardingSink<>()).name("Discard enriched reviews");
            long t0 = System.nanoTime();
            env.execute("sentiment-benchmark");
            return Progress.secondsSince(t0);
        }
    }

    /**
     * The seed's way: one sync DetectSentiment per review, one after the other; returns reviews per
     * second.
     */
    private static double baseline(LocalComprehend comprehend, List<String> texts) {
        try (ComprehendClient client =
                LocalEnvironment.client(ComprehendClient.builder(), comprehend.endpoint())) {
            int n = Math.min(BASELINE_REVIEWS, texts.size());
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String text = texts.get(i);
                client.detectSentiment(b -> b.languageCode("en").text(text));
            }
            return n / Progress.secondsSince(t0);
        }
    }
}
