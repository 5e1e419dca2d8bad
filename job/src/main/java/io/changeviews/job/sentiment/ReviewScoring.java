package io.changeviews.job.sentiment;

import io.changeviews.connectors.aws.Backoff;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;

/**
 * What scores review texts: a sentiment engine, and the score cache in front of it (none for the
 * embedded engine).
 */
public final class ReviewScoring {
    private final SentimentEngine.Factory engine;
    private final ScoreCache.Factory cache;

    private ReviewScoring(SentimentEngine.Factory engine, ScoreCache.Factory cache) {
        this.engine = engine;
        this.cache = cache;
    }

    /** The given engine, with {@code cache} in front of it, or none when {@code cache} is null. */
    public static ReviewScoring of(SentimentEngine.Factory engine, ScoreCache.Factory cache) {
        return new ReviewScoring(engine, cache);
    }

    /**
     * The configured one: the embedded lexicon engine, or Amazon Comprehend behind the DynamoDB
     * score cache (so that no text is paid for twice), with the clients built from the
     * configuration.
     */
    public static ReviewScoring configured(JobConfig config) {
        SentimentConfig s = config.sentiment();
        if (s.engine() != SentimentConfig.Engine.COMPREHEND) {
            return of(LexiconSentimentEngine.factory(), null);
        }
        Backoff backoff = new Backoff(s.backoffBase(), s.backoffMax());
        return of(
                ComprehendSentimentEngine.factory(
                        SentimentClients.comprehend(s.aws(), s.callTimeout()),
                        s.callsPerSecond(),
                        backoff,
                        s.maxAttempts()),
                DynamoDbScoreCache.factory(
                        SentimentClients.dynamoDb(config.dynamoDbProperties(), s.callTimeout()),
                        s.cacheTable(),
                        backoff));
    }

    ReviewScorer scorer(SentimentConfig s) {
        return new ReviewScorer(engine, cache, s.batchSize(), s.batchMaxWait());
    }
}
