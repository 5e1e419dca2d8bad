package io.changeviews.job.sentiment;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.aws.AwsErrors;
import io.changeviews.connectors.aws.Backoff;
import io.changeviews.job.common.JobMetricGroup;
import io.changeviews.job.config.SentimentConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.comprehend.ComprehendAsyncClient;
import software.amazon.awssdk.services.comprehend.model.BatchDetectSentimentItemResult;
import software.amazon.awssdk.services.comprehend.model.BatchDetectSentimentResponse;
import software.amazon.awssdk.services.comprehend.model.BatchItemError;

/**
 * Amazon Comprehend's {@code BatchDetectSentiment} through the async SDK client: calls are spaced
 * to the configured rate (shared out over the parallel instances), retried with exponential backoff
 * and jitter on throttling, 5xx answers, timeouts and per-document internal errors, and texts still
 * unscored after the last attempt get an UNKNOWN score — the caller never waits on a thread and
 * never sees an exception.
 */
public final class ComprehendSentimentEngine implements SentimentEngine {
    public static final String NAME = "comprehend";

    private static final Logger LOG = LoggerFactory.getLogger(ComprehendSentimentEngine.class);
    private static final String RETRYABLE_ITEM_ERROR = "INTERNAL_SERVER_ERROR";

    private final ComprehendAsyncClient client;
    private final RateLimiter limiter;
    private final Backoff backoff;
    private final int maxAttempts;
    private final ScheduledExecutorService scheduler;
    private final Counter calls;
    private final Counter throttled;
    private final Counter failedCalls;

    ComprehendSentimentEngine(
            ComprehendAsyncClient client,
            double callsPerSecond,
            Backoff backoff,
            int maxAttempts,
            MetricGroup metrics) {
        this.client = client;
        this.limiter = new RateLimiter(callsPerSecond);
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "comprehend-calls");
                            t.setDaemon(true);
                            return t;
                        });
        MetricGroup group = JobMetricGroup.of(metrics);
        this.calls = group.counter("comprehendCalls", new ThreadSafeSimpleCounter());
        this.throttled = group.counter("comprehendThrottled", new ThreadSafeSimpleCounter());
        this.failedCalls = group.counter("comprehendFailedCalls", new ThreadSafeSimpleCounter());
    }

    /**
     * A factory for the scoring operator: each of {@code parallelism} instances gets an equal share
     * of {@code callsPerSecond}.
     */
    public static Factory factory(
            AsyncClientProvider<ComprehendAsyncClient> client,
            double callsPerSecond,
            Backoff backoff,
            int maxAttempts) {
        return (parallelism, metrics) ->
                new ComprehendSentimentEngine(
                        client.create(),
                        callsPerSecond / parallelism,
                        backoff,
                        maxAttempts,
                        metrics);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<List<SentimentScore>> score(String language, List<String> texts) {
        SentimentScore[] results = new SentimentScore[texts.size()];
        CompletableFuture<List<SentimentScore>> done = new CompletableFuture<>();
        if (!SentimentConfig.COMPREHEND_LANGUAGES.contains(language)) {
            Arrays.fill(
                    results,
                    SentimentScore.unknown(
                            NAME, "Comprehend does not support the language '" + language + "'"));
            done.complete(Arrays.asList(results));
            return done;
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            all.add(i);
        }
        attempt(new Call(language, texts, results, done), all, 0);
        return done;
    }

    /** One batch's progress over its attempts. */
    private static final class Call {
        final String language;
        final List<String> texts;
        final SentimentScore[] results;
        final CompletableFuture<List<SentimentScore>> done;

        Call(
                String language,
                List<String> texts,
                SentimentScore[] results,
                CompletableFuture<List<SentimentScore>> done) {
            this.language = language;
            this.texts = texts;
            this.results = results;
            this.done = done;
        }
    }

    /** Sends the texts at {@code pending} (indices into the batch) in the next free rate slot. */
    private void attempt(Call call, List<Integer> pending, int attempt) {
        long waitNanos = limiter.reserve(System.nanoTime());
        scheduler.schedule(() -> send(call, pending, attempt), waitNanos, TimeUnit.NANOSECONDS);
    }

    private void send(Call call, List<Integer> pending, int attempt) {
        List<String> docs = new ArrayList<>(pending.size());
        pending.forEach(i -> docs.add(call.texts.get(i)));
        calls.inc();
        CompletableFuture<BatchDetectSentimentResponse> response;
        try {
            response =
                    client.batchDetectSentiment(b -> b.languageCode(call.language).textList(docs));
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete(
                (r, error) -> {
                    if (error != null) {
                        onCallFailed(call, pending, attempt, AwsErrors.unwrap(error));
                        return;
                    }
                    try {
                        onAnswer(call, pending, attempt, r);
                    } catch (RuntimeException unreadable) {
                        // e.g. an index outside the batch: no retry can make sense of it
                        onCallFailed(call, pending, maxAttempts, unreadable);
                    }
                });
    }

    private void onAnswer(
            Call call, List<Integer> pending, int attempt, BatchDetectSentimentResponse r) {
        for (BatchDetectSentimentItemResult item : r.resultList()) {
            call.results[pending.get(item.index())] = toScore(item);
        }
        List<Integer> retry = new ArrayList<>();
        for (BatchItemError e : r.errorList()) {
            int index = pending.get(e.index());
            if (RETRYABLE_ITEM_ERROR.equals(e.errorCode()) && attempt + 1 < maxAttempts) {
                retry.add(index);
            } else {
                call.results[index] =
                        SentimentScore.unknown(NAME, e.errorCode() + ": " + e.errorMessage());
            }
        }
        for (int i : pending) {
            if (call.results[i] == null && !retry.contains(i)) {
                call.results[i] = SentimentScore.unknown(NAME, "missing from Comprehend's answer");
            }
        }
        if (retry.isEmpty()) {
            call.done.complete(Arrays.asList(call.results));
        } else {
            scheduler.schedule(
                    () -> attempt(call, retry, attempt + 1),
                    backoff.delayMillis(attempt),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void onCallFailed(Call call, List<Integer> pending, int attempt, Throwable error) {
        if (AwsErrors.isThrottling(error)) {
            throttled.inc();
        }
        boolean retryable = AwsErrors.isRetryable(error);
        if (retryable && attempt + 1 < maxAttempts) {
            scheduler.schedule(
                    () -> attempt(call, pending, attempt + 1),
                    backoff.delayMillis(attempt),
                    TimeUnit.MILLISECONDS);
            return;
        }
        failedCalls.inc();
        String reason =
                (retryable ? "gave up after " + (attempt + 1) + " attempts: " : "")
                        + error.getClass().getSimpleName()
                        + ": "
                        + error.getMessage();
        LOG.warn("Comprehend could not score {} reviews: {}", pending.size(), reason);
        pending.forEach(i -> call.results[i] = SentimentScore.unknown(NAME, reason));
        call.done.complete(Arrays.asList(call.results));
    }

    private static SentimentScore toScore(BatchDetectSentimentItemResult item) {
        software.amazon.awssdk.services.comprehend.model.SentimentScore s = item.sentimentScore();
        Sentiment label;
        try {
            label = Sentiment.valueOf(item.sentimentAsString());
        } catch (IllegalArgumentException | NullPointerException e) {
            return SentimentScore.unknown(
                    NAME, "unexpected sentiment '" + item.sentimentAsString() + "'");
        }
        if (s == null) {
            return SentimentScore.unknown(NAME, "no SentimentScore in Comprehend's answer");
        }
        return SentimentScore.of(
                label,
                value(s.positive()),
                value(s.negative()),
                value(s.neutral()),
                value(s.mixed()),
                NAME);
    }

    private static double value(Float f) {
        return f == null ? 0 : Math.round(f * 10_000) / 10_000.0;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        client.close();
    }
}
