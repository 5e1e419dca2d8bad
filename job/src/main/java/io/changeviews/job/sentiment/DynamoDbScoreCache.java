package io.changeviews.job.sentiment;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.aws.AwsErrors;
import io.changeviews.connectors.aws.Backoff;
import io.changeviews.job.common.JobMetricGroup;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The score cache as a DynamoDB table keyed by {@code text_hash} (S): one BatchGetItem before a
 * batch is sent to Comprehend, one BatchWriteItem after. Unprocessed keys and items are retried a
 * few times; when DynamoDB still does not answer, a lookup counts as a miss (the text is scored
 * again, never lost) and a store is skipped.
 */
public final class DynamoDbScoreCache implements ScoreCache {
    public static final String HASH = "text_hash";
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbScoreCache.class);
    static final int ATTEMPTS = 5;

    private final DynamoDbAsyncClient client;
    private final String table;
    private final Backoff backoff;
    private final Counter hits;
    private final Counter errors;

    DynamoDbScoreCache(
            DynamoDbAsyncClient client, String table, Backoff backoff, MetricGroup metrics) {
        this.client = client;
        this.table = table;
        this.backoff = backoff;
        MetricGroup group = JobMetricGroup.of(metrics);
        this.hits = group.counter("sentimentCacheHits", new ThreadSafeSimpleCounter());
        this.errors = group.counter("sentimentCacheErrors", new ThreadSafeSimpleCounter());
    }

    public static Factory factory(
            AsyncClientProvider<DynamoDbAsyncClient> client, String table, Backoff backoff) {
        return metrics -> new DynamoDbScoreCache(client.create(), table, backoff, metrics);
    }

    @Override
    public CompletableFuture<Map<String, SentimentScore>> lookup(Collection<String> hashes) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        hashes.stream().distinct().forEach(h -> keys.add(Map.of(HASH, AttributeValue.fromS(h))));
        Map<String, SentimentScore> found = new HashMap<>();
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(found);
        }
        return get(keys, found, 0)
                .exceptionally(
                        error -> {
                            errors.inc();
                            LOG.warn(
                                    "A sentiment cache item in {} could not be read; its text"
                                            + " counts as a miss: {}",
                                    table,
                                    error.toString());
                            return null;
                        })
                .thenApply(
                        v -> {
                            hits.inc(found.size());
                            return found;
                        });
    }

    private CompletableFuture<Void> get(
            List<Map<String, AttributeValue>> keys,
            Map<String, SentimentScore> found,
            int attempt) {
        return client.batchGetItem(
                        b ->
                                b.requestItems(
                                        Map.of(
                                                table,
                                                KeysAndAttributes.builder()
                                                        .keys(keys)
                                                        .consistentRead(true)
                                                        .build())))
                .handle(
                        (r, error) -> {
                            if (error != null) {
                                return retryOrGiveUp(
                                        "look up",
                                        attempt,
                                        error,
                                        () -> get(keys, found, attempt + 1));
                            }
                            r.responses()
                                    .getOrDefault(table, List.of())
                                    .forEach(item -> found.put(item.get(HASH).s(), fromItem(item)));
                            KeysAndAttributes unprocessed = r.unprocessedKeys().get(table);
                            if (unprocessed == null || unprocessed.keys().isEmpty()) {
                                return CompletableFuture.<Void>completedFuture(null);
                            }
                            return retryOrGiveUp(
                                    "look up",
                                    attempt,
                                    null,
                                    () -> get(unprocessed.keys(), found, attempt + 1));
                        })
                .thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<Void> store(Map<String, SentimentScore> scores) {
        List<WriteRequest> puts = new ArrayList<>();
        scores.forEach(
                (hash, score) ->
                        puts.add(
                                WriteRequest.builder()
                                        .putRequest(
                                                PutRequest.builder()
                                                        .item(toItem(hash, score))
                                                        .build())
                                        .build()));
        return puts.isEmpty() ? CompletableFuture.completedFuture(null) : put(puts, 0);
    }

    private CompletableFuture<Void> put(List<WriteRequest> puts, int attempt) {
        return client.batchWriteItem(b -> b.requestItems(Map.of(table, puts)))
                .handle(
                        (r, error) -> {
                            if (error != null) {
                                return retryOrGiveUp(
                                        "store", attempt, error, () -> put(puts, attempt + 1));
                            }
                            List<WriteRequest> unprocessed = r.unprocessedItems().get(table);
                            if (unprocessed == null || unprocessed.isEmpty()) {
                                return CompletableFuture.<Void>completedFuture(null);
                            }
                            return retryOrGiveUp(
                                    "store", attempt, null, () -> put(unprocessed, attempt + 1));
                        })
                .thenCompose(f -> f);
    }

    /**
     * Retries after a backoff, or — after the last attempt — gives up with a warning (the caller
     * proceeds without the cache).
     */
    private CompletableFuture<Void> retryOrGiveUp(
            String what, int attempt, Throwable error, Supplier<CompletableFuture<Void>> retry) {
        if (attempt + 1 < ATTEMPTS
                && (error == null || AwsErrors.isRetryable(AwsErrors.unwrap(error)))) {
            Executor later =
                    CompletableFuture.delayedExecutor(
                            backoff.delayMillis(attempt), TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(retry, later).thenCompose(f -> f);
        }
        errors.inc();
        LOG.warn(
                "Could not {} sentiment scores in {} (attempt {}): {}",
                what,
                table,
                attempt + 1,
                error == null ? "unprocessed by DynamoDB" : error.toString());
        return CompletableFuture.completedFuture(null);
    }

    static Map<String, AttributeValue> toItem(String hash, SentimentScore s) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(HASH, AttributeValue.fromS(hash));
        item.put("sentiment", AttributeValue.fromS(s.label().name()));
        item.put("positive", number(s.positive()));
        item.put("negative", number(s.negative()));
        item.put("neutral", number(s.neutral()));
        item.put("mixed", number(s.mixed()));
        item.put("engine", AttributeValue.fromS(s.engine()));
        return item;
    }

    private static AttributeValue number(double d) {
        return AttributeValue.fromN(BigDecimal.valueOf(d).toPlainString());
    }

    static SentimentScore fromItem(Map<String, AttributeValue> item) {
        return SentimentScore.of(
                Sentiment.valueOf(item.get("sentiment").s()),
                Double.parseDouble(item.get("positive").n()),
                Double.parseDouble(item.get("negative").n()),
                Double.parseDouble(item.get("neutral").n()),
                Double.parseDouble(item.get("mixed").n()),
                item.get("engine").s());
    }

    @Override
    public void close() {
        client.close();
    }
}
