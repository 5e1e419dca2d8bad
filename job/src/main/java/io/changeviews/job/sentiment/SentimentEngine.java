package io.changeviews.job.sentiment;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.metrics.MetricGroup;

/** Scores review texts; the embedded lexicon engine or Amazon Comprehend. */
public interface SentimentEngine extends AutoCloseable {
    /** What the scores record as their engine, e.g. {@code comprehend}. */
    String name();

    /**
     * Scores {@code texts} (at most {@link ReviewScorer}'s batch size) of one language, in order.
     * Never completes exceptionally: a text that cannot be scored gets an UNKNOWN score with the
     * reason.
     */
    CompletableFuture<List<SentimentScore>> score(String language, List<String> texts);

    @Override
    void close();

    /** Creates the engine inside each parallel instance of the scoring operator. */
    interface Factory extends Serializable {
        SentimentEngine create(int parallelism, MetricGroup metrics);
    }
}
