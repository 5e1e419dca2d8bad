package io.changeviews.job.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The async scoring operator in Flink's harness: the async timeout, a late answer, a retried
 * UNKNOWN, and cache hits.
 */
class ReviewScorerTest {
    private static final long TIMEOUT_MS = 10_000;

    // The harness runs the function in this JVM; engine and cache doubles are reached through
    // static fields.
    private static final List<List<String>> ENGINE_CALLS = new CopyOnWriteArrayList<>();
    private static volatile CompletableFuture<List<SentimentScore>> held;
    private static volatile CountDownLatch engineCalled;
    private static final Map<String, SentimentScore> CACHE = new HashMap<>();
    private static final List<Map<String, SentimentScore>> STORED = new CopyOnWriteArrayList<>();

    @BeforeEach
    void reset() {
        ENGINE_CALLS.clear();
        held = null;
        engineCalled = new CountDownLatch(1);
        CACHE.clear();
        STORED.clear();
    }

    /** Answers POSITIVE at once, unless a test holds the answer in {@link #held}. */
    private static final class ScriptedEngine implements SentimentEngine {
        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public CompletableFuture<List<SentimentScore>> score(String language, List<String> texts) {
            ENGINE_CALLS.add(texts);
            engineCalled.countDown();
            CompletableFuture<List<SentimentScore>> h = held;
            if (h != null) {
                return h;
            }
            List<SentimentScore> out = new ArrayList<>();
            texts.forEach(
                    t -> out.add(SentimentScore.of(Sentiment.POSITIVE, 1, 0, 0, 0, "scripted")));
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public void close() {}
    }

    /** An in-memory score cache. */
    private static final class MapCache implements ScoreCache {
        @Override
        public CompletableFuture<Map<String, SentimentScore>> lookup(Collection<String> hashes) {
            Map<String, SentimentScore> hits = new HashMap<>();
            hashes.stream().filter(CACHE::containsKey).forEach(h -> hits.put(h, CACHE.get(h)));
            return CompletableFuture.completedFuture(hits);
        }

        @Override
        public CompletableFuture<Void> store(Map<String, SentimentScore> scores) {
            STORED.add(new HashMap<>(scores));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    }

    private static SentimentEngine engine(int parallelism, MetricGroup metrics) {
        return new ScriptedEngine();
    }

    private static ScoreCache cache(MetricGroup metrics) {
        return new MapCache();
    }

    private static OneInputStreamOperatorTestHarness<ReviewChange, ReviewChange> harness(
            int batchSize, boolean withCache) throws Exception {
        ReviewScorer scorer =
                new ReviewScorer(
                        ReviewScorerTest::engine,
                        withCache ? ReviewScorerTest::cache : null,
                        batchSize,
                        Duration.ofMillis(50));
        AsyncWaitOperatorFactory<ReviewChange, ReviewChange> factory =
                new AsyncWaitOperatorFactory<>(
                        scorer, TIMEOUT_MS, 10, AsyncDataStream.OutputMode.ORDERED);
        OneInputStreamOperatorTestHarness<ReviewChange, ReviewChange> h =
                new OneInputStreamOperatorTestHarness<>(
                        factory,
                        ReviewChange.typeInfo(Types.ROW(Types.STRING, Types.INSTANT))
                                .createSerializer(new ExecutionConfig()));
        h.open();
        return h;
    }

    private static ReviewChange change(ReviewChange.Action action, String key, String text) {
        ReviewChange c = new ReviewChange();
        c.key = key;
        c.action = action;
        c.review = Row.of(key, java.time.Instant.EPOCH);
        c.language = "en";
        c.text = text;
        c.textHash = text == null ? null : ReviewText.hash("en", text);
        return c;
    }

    private static void send(
            OneInputStreamOperatorTestHarness<ReviewChange, ReviewChange> h, ReviewChange c)
            throws Exception {
        synchronized (h.getCheckpointLock()) {
            h.processElement(new StreamRecord<>(c, 1L));
        }
    }

    private static List<String> finish(
            OneInputStreamOperatorTestHarness<ReviewChange, ReviewChange> h) throws Exception {
        synchronized (h.getCheckpointLock()) {
            h.endInput();
        }
        List<String> out =
                h.extractOutputValues().stream()
                        .map(c -> c.action + " " + c.key + " " + c.sentiment)
                        .collect(Collectors.toList());
        h.close();
        return out;
    }

    @Test
    void aTimedOutReviewIsUnknownOnceAndItsNextRatingEditIsScoredAgain() throws Exception {
        OneInputStreamOperatorTestHarness<ReviewChange, ReviewChange> h = harness(1, false);
        held = new CompletableFuture<>();
        send(h, change(ReviewChange.Action.SCORE, "r1", "great"));
        assertThat(engineCalled.await(10, TimeUnit.SECONDS)).isTrue();
        h.setProcessingTime(TIMEOUT_MS + 1);
        CompletableFuture<List<SentimentScore>> late = held;
        held = null;
        late.complete(List.of(SentimentScore.of(Sentiment.POSITIVE, 1, 0, 0, 0, "scripted")));
        // Same text again (a rating edit): the detector says REUSE, but the last score was UNKNOWN.
        send(h, change(ReviewChange.Action.REUSE, "r1", "great"));
        send(h, change(ReviewChange.Action.DELETE, "r2", null));
        assertThat(finish(h))
                .containsExactly("SCORE r1 UNKNOWN", "SCORE r1 POSITIVE", "DELETE r2 null");
        assertThat(ENGINE_CALLS).hasSize(2);
    }

    @Test
    void aReuseOfAKnownScoreMakesNoCall() throws Exception {
        OneInputStreamOperatorTestHarness<ReviewChange, ReviewChange> h = harness(1, false);
        send(h, change(ReviewChange.Action.SCORE, "r1", "great"));
        send(h, change(ReviewChange.Action.REUSE, "r1", "great"));
        assertThat(finish(h)).containsExactly("SCORE r1 POSITIVE", "REUSE r1 null");
        assertThat(ENGINE_CALLS).hasSize(1);
    }

    @Test
    void cachedTextsAreNotSentAndNewScoresAreStored() throws Exception {
        CACHE.put(
                ReviewText.hash("en", "seen before"),
                SentimentScore.of(Sentiment.NEGATIVE, 0, 1, 0, 0, "comprehend"));
        OneInputStreamOperatorTestHarness<ReviewChange, ReviewChange> h = harness(3, true);
        send(h, change(ReviewChange.Action.SCORE, "r1", "seen before"));
        send(h, change(ReviewChange.Action.SCORE, "r2", "brand new"));
        send(h, change(ReviewChange.Action.SCORE, "r3", "brand new"));
        assertThat(finish(h))
                .containsExactly("SCORE r1 NEGATIVE", "SCORE r2 POSITIVE", "SCORE r3 POSITIVE");
        assertThat(ENGINE_CALLS).containsExactly(List.of("brand new"));
        assertThat(STORED)
                .containsExactly(
                        Map.of(
                                ReviewText.hash("en", "brand new"),
                                SentimentScore.of(Sentiment.POSITIVE, 1, 0, 0, 0, "scripted")));
    }
}
