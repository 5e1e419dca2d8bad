package io.changeviews.job.sentiment;

import java.io.Serializable;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.metrics.MetricGroup;

/**
 * Scores already paid for, by text hash: what keeps a restart or a replay from calling Comprehend
 * again.
 */
public interface ScoreCache extends AutoCloseable {
    /**
     * The known scores among {@code hashes}. Never completes exceptionally: a failed lookup reports
     * fewer hits.
     */
    CompletableFuture<Map<String, SentimentScore>> lookup(Collection<String> hashes);

    /** Stores known scores. Never completes exceptionally: a failed store is logged and counted. */
    CompletableFuture<Void> store(Map<String, SentimentScore> scores);

    @Override
    void close();

    /** Creates the cache inside each parallel instance of the scoring operator. */
    interface Factory extends Serializable {
        ScoreCache create(MetricGroup metrics);
    }
}
