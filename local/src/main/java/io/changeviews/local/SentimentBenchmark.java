package io.changeviews.local;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.sentiment.ReviewScoring;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import software.amazon.awssdk.services.comprehend.ComprehendClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The benchmark's sentiment figures: review changes per second through the enrichment with the
 * embedded engine, and BatchDetectSentiment calls per 1,000 reviews through the Comprehend path
 * (real SDK client, local Comprehend endpoint) on a first run and on a replay into fresh state —
 * beside the seed's Lambda, which calls DetectSentiment once per review event.
 */
final class SentimentBenchmark {
    private static final long SEED = 2027;
    private static final int BASELINE_REVIEWS = 2_000;
    private static final String[] OPENINGS = {
        "Great product, works perfectly and I love it.",
        "Terrible, it broke after two days.",
        "It arrived on Tuesday in a brown box.",
        "Beautiful screen, but the software is buggy and annoying.",
        "Excellent value, highly recommend.",
        "Very disappointed, poor quality."
    };

    private final int changes;
    private final int comprehendChanges;
    private final Consumer<String> progress;
    private final List<byte[]> records = new ArrayList<>();

    /** Per change: its review's id. */
    private final List<String> reviewIds = new ArrayList<>();

    private final List<String> texts = new ArrayList<>();

    /** Per change: does it carry a text to score (an INSERT, or a MODIFY of the text)? */
    private final List<Boolean> scoring = new ArrayList<>();

    private final List<Boolean> reviewEvents = new ArrayList<>();

    SentimentBenchmark(int changes, int comprehendChanges, Consumer<String> progress) {
        this.changes = changes;
        this.comprehendChanges = Math.min(changes, comprehendChanges);
        this.progress = progress;
    }

    /** Runs the phases and returns the report's rows: figure, this job, baseline, note. */
    List<String[]> run(LocalDynamoDb dynamoDb) throws Exception {
        generate();
        List<String[]> rows = new ArrayList<>();

        progress.accept(
                String.format(
                        Locale.ROOT,
                        "sentiment: %,d review changes through the enrichment, embedded engine",
                        changes));
        double embeddedSeconds = enrich(dynamoDb, null, records.size());
        double embeddedRate = changes / embeddedSeconds;

        try (LocalComprehend comprehend = LocalComprehend.start(SEED)) {
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "sentiment: baseline, one sync DetectSentiment per review, %,d reviews",
                            BASELINE_REVIEWS));
            double baselineRate = baseline(comprehend);
            rows.add(
                    new String[] {
                        "review changes/s through enrichment",
                        rate(embeddedRate),
                        rate(baselineRate),
                        String.format(
                                Locale.ROOT,
                                "job: embedded engine, %,d review changes (inserts, rating edits,"
                                    + " text edits, deletes) decoded, normalized, scored and joined"
                                    + " into the enriched changelog, parallelism 2, %.1f s incl."
                                    + " job start; baseline: one thread, sync DetectSentiment per"
                                    + " review against the local Comprehend endpoint",
                                changes,
                                embeddedSeconds)
                    });

            LocalTables.createSentimentCacheTable(dynamoDb.client(), "changeviews_sentiment_cache");
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "sentiment: %,d review changes through the Comprehend path",
                            comprehendChanges));
            long baselineDocuments = comprehend.scoredDocuments();
            enrich(dynamoDb, comprehend, comprehendChanges);
            long firstCalls = comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT);
            long documents = comprehend.scoredDocuments() - baselineDocuments;
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "sentiment: %,d calls, %,d documents scored",
                            firstCalls,
                            documents));
            progress.accept("sentiment: the same changes again, fresh job state (a replay)");
            enrich(dynamoDb, comprehend, comprehendChanges);
            long replayCalls =
                    comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT) - firstCalls;
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "sentiment: replay: %,d calls, %,d documents scored",
                            replayCalls,
                            comprehend.scoredDocuments() - baselineDocuments - documents));

            long toScore = scoring.subList(0, comprehendChanges).stream().filter(b -> b).count();
            long events =
                    reviewEvents.subList(0, comprehendChanges).stream().filter(b -> b).count();
            rows.add(
                    new String[] {
                        "Comprehend calls / 1,000 reviews",
                        perThousand(firstCalls, toScore),
                        "1,000 DetectSentiment",
                        String.format(
                                Locale.ROOT,
                                "job: %,d BatchDetectSentiment calls for %,d texts to score (%.1f"
                                    + " documents per call); the seed's Lambda calls once per"
                                    + " review event: %,d calls for these %,d changes, rating edits"
                                    + " included",
                                firstCalls,
                                toScore,
                                (double) documents / Math.max(1, firstCalls),
                                events,
                                comprehendChanges)
                    });
            rows.add(
                    new String[] {
                        "Comprehend calls / 1,000 reviews, replay",
                        perThousand(replayCalls, toScore),
                        "1,000 again",
                        "job: the same stream from its start into fresh job state; scores come from"
                                + " the score cache table"
                    });
        }
        return rows;
    }

    /**
     * Reviews of 50 products: inserts, then rating edits, text edits and deletes of live reviews,
     * each text unique.
     */
    private void generate() {
        Random random = new Random(SEED);
        Map<String, Map<String, AttributeValue>> live = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(); // the live reviews' ids, for a uniform pick
        Instant time = Instant.parse("2026-11-20T00:00:00Z");
        for (int i = 0; i < changes; i++) {
            time = time.plusMillis(1 + random.nextInt(50));
            double dice = random.nextDouble();
            String eventId = "review-" + i;
            if (live.isEmpty() || dice < 0.5) {
                String id = "r" + i;
                Map<String, AttributeValue> item = new HashMap<>();
                item.put("pk", AttributeValue.fromS("B0" + (1_000 + random.nextInt(50))));
                item.put("sk", AttributeValue.fromS("2026-11-2" + random.nextInt(3) + "#" + id));
                item.put("customer_id", AttributeValue.fromS("c" + random.nextInt(500)));
                item.put(
                        "star_rating",
                        AttributeValue.fromN(Integer.toString(1 + random.nextInt(5))));
                item.put("review_body", AttributeValue.fromS(text(random, i)));
                live.put(id, item);
                ids.add(id);
                add(
                        id,
                        StreamRelay.kdsRecord(
                                SampleData.REVIEWS,
                                eventId,
                                ChangeType.INSERT,
                                time,
                                keys(item),
                                null,
                                item),
                        true);
                continue;
            }
            int pick = random.nextInt(ids.size());
            String id = ids.get(pick);
            Map<String, AttributeValue> before = live.get(id);
            if (dice < 0.9) {
                Map<String, AttributeValue> after = new HashMap<>(before);
                boolean newText = dice >= 0.7;
                if (newText) {
                    after.put("review_body", AttributeValue.fromS(text(random, i)));
                } else {
                    after.put(
                            "star_rating",
                            AttributeValue.fromN(
                                    Integer.toString(
                                            1
                                                    + (Integer.parseInt(
                                                                    before.get("star_rating").n())
                                                            % 5))));
                }
                live.put(id, after);
                add(
                        id,
                        StreamRelay.kdsRecord(
                                SampleData.REVIEWS,
                                eventId,
                                ChangeType.MODIFY,
                                time,
                                keys(after),
                                before,
                                after),
                        newText);
            } else {
                live.remove(id);
                ids.set(pick, ids.get(ids.size() - 1));
                ids.remove(ids.size() - 1);
                add(
                        id,
                        StreamRelay.kdsRecord(
                                SampleData.REVIEWS,
                                eventId,
                                ChangeType.REMOVE,
                                time,
                                keys(before),
                                before,
                                null),
                        false);
                reviewEvents.set(reviewEvents.size() - 1, false);
            }
        }
    }

    private void add(String reviewId, byte[] record, boolean scores) {
        reviewIds.add(reviewId);
        records.add(record);
        scoring.add(scores);
        reviewEvents.add(true);
    }

    private String text(Random random, int i) {
        String t = OPENINGS[random.nextInt(OPENINGS.length)] + " Bought as order " + i + ".";
        texts.add(t);
        return t;
    }

    private static Map<String, AttributeValue> keys(Map<String, AttributeValue> item) {
        return Map.of("pk", item.get("pk"), "sk", item.get("sk"));
    }

    /**
     * The first {@code n} review records through decode, normalization and enrichment; returns the
     * seconds it took.
     */
    private double enrich(LocalDynamoDb dynamoDb, LocalComprehend comprehend, int n)
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
        JobConfig config = Benchmark.config(dynamoDb.endpoint(), null, overrides);
        Benchmark.encoded = asShards(n);
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
            DataStream<DecodeResult> decoded =
                    env.fromSource(
                                    new DataGeneratorSource<>(
                                            new Benchmark.PreEncoded(),
                                            n,
                                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                    WatermarkStrategy.noWatermarks(),
                                    "Pre-encoded review records")
                            .map(new Benchmark.Decode(), TypeInformation.of(DecodeResult.class))
                            .name("Decode KDS records");
            ChangeViewsPipeline.registerSourceTables(
                    tEnv, config, decoded, ReviewScoring.configured(config));
            DataStream<Row> enriched =
                    tEnv.toDataStream(
                            tEnv.from(config.sentiment().table().sqlName() + "_enriched_changes"));
            enriched.sinkTo(new DiscardingSink<>()).name("Discard enriched reviews");
            long t0 = System.nanoTime();
            env.execute("sentiment-benchmark");
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            Benchmark.encoded = null;
        }
    }

    /**
     * The first {@code n} records laid out as two shards, each review's changes in one of them and
     * in order, as Kinesis keeps a partition key's records: the source's two readers each read one
     * half, so no change overtakes an earlier one of its review (which would make it stale, its
     * text unscored) and a replay scores exactly the texts the first run did.
     */
    private byte[][] asShards(int n) {
        Map<String, Integer> perReview = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            perReview.merge(reviewIds.get(i), 1, Integer::sum);
        }
        // The source splits its index range in two equal halves: fill the first with whole reviews,
        // exactly.
        int room = n / 2;
        Map<String, Boolean> inFirst = new HashMap<>();
        for (Map.Entry<String, Integer> r : perReview.entrySet()) {
            boolean fits = r.getValue() <= room;
            inFirst.put(r.getKey(), fits);
            room -= fits ? r.getValue() : 0;
        }
        List<byte[]> first = new ArrayList<>();
        List<byte[]> second = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (inFirst.get(reviewIds.get(i)) ? first : second).add(records.get(i));
        }
        first.addAll(second);
        return first.toArray(new byte[0][]);
    }

    /**
     * The seed's way: one sync DetectSentiment per review, one after the other; returns reviews per
     * second.
     */
    private double baseline(LocalComprehend comprehend) {
        try (ComprehendClient client =
                LocalEnvironment.client(ComprehendClient.builder(), comprehend.endpoint())) {
            int n = Math.min(BASELINE_REVIEWS, texts.size());
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String text = texts.get(i);
                client.detectSentiment(b -> b.languageCode("en").text(text));
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    private static String perThousand(long count, long of) {
        return String.format(Locale.ROOT, "%,.1f", count * 1000.0 / Math.max(1, of));
    }
}
