package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.aws.Backoff;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.sentiment.ComprehendSentimentEngine;
import io.changeviews.job.sentiment.LexiconSentimentEngine;
import io.changeviews.job.sentiment.Sentiment;
import io.changeviews.job.sentiment.SentimentClients;
import io.changeviews.job.sentiment.SentimentEngine;
import io.changeviews.job.sentiment.SentimentScore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Comprehend engine with the real async SDK client against a local endpoint speaking
 * Comprehend's JSON protocol.
 */
class ComprehendSentimentEngineTest {
    private final LocalComprehend comprehend = LocalComprehend.start(3);
    private final LexiconSentimentEngine lexicon = new LexiconSentimentEngine();

    @AfterEach
    void stop() {
        comprehend.close();
    }

    private SentimentEngine engine(Duration callTimeout, int maxAttempts) {
        Properties aws = new Properties();
        aws.putAll(EndpointProperties.forEndpoint(comprehend.endpoint()));
        return ComprehendSentimentEngine.factory(
                        SentimentClients.comprehend(aws, callTimeout),
                        1_000,
                        new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)),
                        maxAttempts)
                .create(1, new UnregisteredMetricsGroup());
    }

    private static List<String> reviews(int n) {
        String[] texts = {
            "Great product, love it!",
            "Terrible, it broke.",
            "It arrived on Tuesday.",
            "Great sound but the battery is terrible."
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(texts[i % texts.length] + " #" + i);
        }
        return out;
    }

    private List<Sentiment> expectedLabels(List<String> texts) {
        List<Sentiment> out = new ArrayList<>();
        texts.forEach(t -> out.add(lexicon.score(t).label()));
        return out;
    }

    private static List<Sentiment> labels(List<SentimentScore> scores) {
        List<Sentiment> out = new ArrayList<>();
        scores.forEach(s -> out.add(s.label()));
        return out;
    }

    @Test
    void twentyFiveReviewsAreOneCallAndComeBackInOrder() throws Exception {
        List<String> texts = reviews(25);
        try (SentimentEngine engine = engine(Duration.ofSeconds(10), 3)) {
            List<SentimentScore> scores = engine.score("en", texts).get(30, TimeUnit.SECONDS);
            assertThat(labels(scores)).isEqualTo(expectedLabels(texts));
            assertThat(scores).allSatisfy(s -> assertThat(s.engine()).isEqualTo("comprehend"));
        }
        assertThat(comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT)).isEqualTo(1);
    }

    @Test
    void throttlingServerErrorsAndDocumentErrorsAreRetriedUntilEveryReviewIsScored()
            throws Exception {
        comprehend.throttleFraction(0.3).serverErrorFraction(0.1).documentErrorFraction(0.2);
        List<String> texts = reviews(25);
        try (SentimentEngine engine = engine(Duration.ofSeconds(10), 20)) {
            for (int round = 0; round < 8; round++) {
                List<SentimentScore> scores = engine.score("en", texts).get(60, TimeUnit.SECONDS);
                assertThat(labels(scores)).isEqualTo(expectedLabels(texts));
            }
        }
        assertThat(comprehend.throttledCalls()).isPositive();
        assertThat(comprehend.serverErrors()).isPositive();
        assertThat(comprehend.documentErrors()).isPositive();
        // Only failed documents are sent again: 8 batches of 25 reviews, each scored once.
        assertThat(comprehend.scoredDocuments()).isEqualTo(200);
    }

    @Test
    void callsThatTimeOutOnEveryAttemptEndAsUnknownWithTheReason() throws Exception {
        comprehend.slowFraction(1.0, 2_000);
        try (SentimentEngine engine = engine(Duration.ofMillis(200), 2)) {
            List<SentimentScore> scores = engine.score("en", reviews(3)).get(30, TimeUnit.SECONDS);
            assertThat(scores)
                    .allSatisfy(
                            s -> {
                                assertThat(s.label()).isEqualTo(Sentiment.UNKNOWN);
                                assertThat(s.reason())
                                        .contains("gave up after 2 attempts")
                                        .contains("Timeout");
                            });
        }
        assertThat(comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT)).isEqualTo(2);
    }

    @Test
    void unsupportedLanguagesAndOversizedTextsGetAClearOutcome() throws Exception {
        try (SentimentEngine engine = engine(Duration.ofSeconds(10), 3)) {
            List<SentimentScore> swedish = engine.score("sv", reviews(2)).get(30, TimeUnit.SECONDS);
            assertThat(swedish)
                    .allSatisfy(
                            s ->
                                    assertThat(s.reason())
                                            .contains("does not support the language 'sv'"));
            assertThat(comprehend.calls(LocalComprehend.BATCH_DETECT_SENTIMENT)).isZero();

            List<SentimentScore> scores =
                    engine.score("en", List.of("fine", "x".repeat(6_000)))
                            .get(30, TimeUnit.SECONDS);
            assertThat(scores.get(0).isKnown()).isTrue();
            assertThat(scores.get(1).label()).isEqualTo(Sentiment.UNKNOWN);
            assertThat(scores.get(1).reason()).startsWith("TEXT_SIZE_LIMIT_EXCEEDED");
        }
    }
}
