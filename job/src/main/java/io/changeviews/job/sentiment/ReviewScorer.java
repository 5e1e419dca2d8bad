package io.changeviews.job.sentiment;

import io.changeviews.job.common.JobMetricGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The async scoring step: changes to score are batched by language (size and max wait), texts
 * already in the score cache are taken from it, the rest go to the engine in one call per batch
 * (equal texts once), new scores are stored in the cache before the changes move on. Changes that
 * need no score pass straight through; with ordered async I/O they keep their place.
 */
public final class ReviewScorer extends RichAsyncFunction<ReviewChange, ReviewChange> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReviewScorer.class);
    private static final int MAX_UNKNOWN_TEXTS = 10_000;

    private final SentimentEngine.Factory engineFactory;
    private final ScoreCache.Factory cacheFactory;
    private final int batchSize;
    private final Duration maxWait;

    private transient SentimentEngine engine;
    private transient ScoreCache cache;
    private transient ScheduledExecutorService timers;
    private transient ReviewBatcher<Pending> batcher;
    private transient Counter scored;
    private transient Counter unknown;

    /**
     * Reviews handed to the batcher and not yet delivered: whoever removes one (the batch or the
     * timeout) delivers it, once.
     */
    private transient Map<ResultFuture<ReviewChange>, Pending> inFlight;

    /**
     * Texts (hashes) whose last score here was UNKNOWN: a REUSE of one is scored again. A review's
     * changes always come to the same instance.
     */
    private transient Set<String> unknownTexts;

    /**
     * @param cacheFactory the score cache, or null to score every new text (the embedded engine
     *     costs nothing)
     */
    public ReviewScorer(
            SentimentEngine.Factory engineFactory,
            ScoreCache.Factory cacheFactory,
            int batchSize,
            Duration maxWait) {
        this.engineFactory = engineFactory;
        this.cacheFactory = cacheFactory;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
    }

    /** A change waiting for its score, with where to deliver it. */
    private static final class Pending {
        final ReviewChange change;
        final ResultFuture<ReviewChange> result;

        Pending(ReviewChange change, ResultFuture<ReviewChange> result) {
            this.change = change;
            this.result = result;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        engine =
                engineFactory.create(
                        getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                        getRuntimeContext().getMetricGroup());
        cache =
                cacheFactory == null
                        ? null
                        : cacheFactory.create(getRuntimeContext().getMetricGroup());
        timers =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "review-batches");
                            t.setDaemon(true);
                            return t;
                        });
        batcher = new ReviewBatcher<>(batchSize, maxWait, timers, this::flush);
        // Incremented from the batch thread, SDK threads and the task thread.
        scored =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup())
                        .counter("reviewsScored", new ThreadSafeSimpleCounter());
        unknown =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup())
                        .counter("sentimentUnknown", new ThreadSafeSimpleCounter());
        inFlight = new ConcurrentHashMap<>();
        unknownTexts =
                Collections.synchronizedSet(
                        Collections.newSetFromMap(
                                new LinkedHashMap<String, Boolean>() {
                                    private static final long serialVersionUID = 1L;

                                    @Override
                                    protected boolean removeEldestEntry(
                                            Map.Entry<String, Boolean> eldest) {
                                        return size() > MAX_UNKNOWN_TEXTS;
                                    }
                                }));
    }

    @Override
    public void asyncInvoke(ReviewChange input, ResultFuture<ReviewChange> result) {
        ReviewChange change =
                input.action == ReviewChange.Action.REUSE && unknownTexts.contains(input.textHash)
                        ? input.asScore()
                        : input;
        if (change.action != ReviewChange.Action.SCORE) {
            result.complete(Collections.singleton(change));
        } else {
            Pending p = new Pending(change, result);
            inFlight.put(result, p);
            batcher.add(change.language, p);
        }
    }

    /**
     * Hands a batch to the batch thread: starting SDK calls signs requests and may fetch
     * credentials, not for the task thread.
     */
    private void flush(String language, List<Pending> batch) {
        timers.execute(() -> score(language, batch));
    }

    /**
     * Scores one batch: cache first, then the engine for the misses, then the cache again for what
     * was new.
     */
    private void score(String language, List<Pending> batch) {
        Map<String, String> texts = new LinkedHashMap<>();
        batch.forEach(p -> texts.putIfAbsent(p.change.textHash, p.change.text));
        CompletableFuture<Map<String, SentimentScore>> scores;
        try {
            CompletableFuture<Map<String, SentimentScore>> known =
                    cache == null
                            ? CompletableFuture.completedFuture(new HashMap<>())
                            : cache.lookup(texts.keySet());
            scores = known.thenCompose(hits -> scoreMisses(language, texts, hits));
        } catch (RuntimeException e) {
            scores = CompletableFuture.failedFuture(e);
        }
        scores.whenComplete(
                (found, error) -> {
                    List<String> reasons = new ArrayList<>();
                    for (Pending p : batch) {
                        SentimentScore s =
                                error != null
                                        ? SentimentScore.unknown(
                                                engine.name(), "scoring failed: " + error)
                                        : found.getOrDefault(
                                                p.change.textHash,
                                                SentimentScore.unknown(
                                                        engine.name(), "no score returned"));
                        if (deliver(p, s) && !s.isKnown()) {
                            reasons.add(s.reason());
                        }
                    }
                    if (!reasons.isEmpty()) {
                        LOG.warn(
                                "{} of {} reviews in a batch get sentiment UNKNOWN, e.g.: {}",
                                reasons.size(),
                                batch.size(),
                                reasons.get(0));
                    }
                });
    }

    /**
     * The engine's scores for the texts the cache did not know, stored in the cache on the way;
     * {@code hits} plus those.
     */
    private CompletableFuture<Map<String, SentimentScore>> scoreMisses(
            String language, Map<String, String> texts, Map<String, SentimentScore> hits) {
        List<String> hashes = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        texts.forEach(
                (hash, text) -> {
                    if (!hits.containsKey(hash)) {
                        hashes.add(hash);
                        misses.add(text);
                    }
                });
        if (misses.isEmpty()) {
            return CompletableFuture.completedFuture(hits);
        }
        return engine.score(language, misses)
                .thenCompose(
                        scores -> {
                            Map<String, SentimentScore> fresh = new HashMap<>();
                            for (int i = 0; i < hashes.size(); i++) {
                                hits.put(hashes.get(i), scores.get(i));
                                if (scores.get(i).isKnown()) {
                                    fresh.put(hashes.get(i), scores.get(i));
                                }
                            }
                            if (cache == null) {
                                return CompletableFuture.completedFuture(hits);
                            }
                            try {
                                return cache.store(fresh).handle((v, e) -> hits);
                            } catch (RuntimeException e) {
                                LOG.warn(
                                        "Could not store {} sentiment scores in the cache: {}",
                                        fresh.size(),
                                        e.toString());
                                return CompletableFuture.completedFuture(hits);
                            }
                        });
    }

    /**
     * Delivers a review with its score unless the timeout already did; true if this call delivered
     * it.
     */
    private boolean deliver(Pending p, SentimentScore score) {
        if (inFlight.remove(p.result) == null) {
            return false;
        }
        (score.isKnown() ? scored : unknown).inc();
        if (score.isKnown()) {
            unknownTexts.remove(p.change.textHash);
        } else {
            unknownTexts.add(p.change.textHash);
        }
        p.result.complete(Collections.singleton(p.change.withScore(score)));
        return true;
    }

    /**
     * Async I/O's own deadline (beyond every retry): the review moves on as UNKNOWN rather than
     * failing the job.
     */
    @Override
    public void timeout(ReviewChange change, ResultFuture<ReviewChange> result) {
        Pending p = inFlight.get(result);
        if (p != null
                && deliver(
                        p,
                        SentimentScore.unknown(
                                engine.name(), "no score within the async timeout"))) {
            LOG.warn(
                    "Review {} gets sentiment UNKNOWN: no score within the async timeout",
                    change.key);
        }
    }

    @Override
    public void close() {
        if (timers != null) {
            timers.shutdownNow();
        }
        if (engine != null) {
            engine.close();
        }
        if (cache != null) {
            cache.close();
        }
    }
}
