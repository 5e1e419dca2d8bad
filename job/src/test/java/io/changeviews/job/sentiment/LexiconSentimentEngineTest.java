package io.changeviews.job.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded engine on a small labelled set of review sentences, and the shape of its scores. */
class LexiconSentimentEngineTest {
    private final LexiconSentimentEngine engine = new LexiconSentimentEngine();

    /** Reviews written for this test, each with the label a reader would give it. */
    private static final Map<String, Sentiment> LABELLED = new LinkedHashMap<>();

    static {
        LABELLED.put("Great product, works perfectly. Highly recommend it!", Sentiment.POSITIVE);
        LABELLED.put("I love this blender, it is wonderful and easy to clean.", Sentiment.POSITIVE);
        LABELLED.put("Excellent quality and fast delivery, very happy.", Sentiment.POSITIVE);
        LABELLED.put("The best headphones I have owned.", Sentiment.POSITIVE);
        LABELLED.put("Not bad at all, I am pleased.", Sentiment.POSITIVE);
        LABELLED.put("Fantastic value for the money :)", Sentiment.POSITIVE);
        LABELLED.put("Terrible. It broke after two days.", Sentiment.NEGATIVE);
        LABELLED.put(
                "Very disappointed, poor quality and awful customer support.", Sentiment.NEGATIVE);
        LABELLED.put("Do not buy this, complete waste of money.", Sentiment.NEGATIVE);
        LABELLED.put("The worst purchase I have ever made, it is useless.", Sentiment.NEGATIVE);
        LABELLED.put("It is not good and not worth the price.", Sentiment.NEGATIVE);
        LABELLED.put("Horrible smell and the lid leaks.", Sentiment.NEGATIVE);
        LABELLED.put("The package arrived on Tuesday.", Sentiment.NEUTRAL);
        LABELLED.put("It is a blue plastic box with two handles.", Sentiment.NEUTRAL);
        LABELLED.put("I bought it for my kitchen.", Sentiment.NEUTRAL);
        LABELLED.put("The manual is in English and French.", Sentiment.NEUTRAL);
        LABELLED.put("Size is 30 by 40 centimetres.", Sentiment.NEUTRAL);
        LABELLED.put("Great sound but the battery is terrible.", Sentiment.MIXED);
        LABELLED.put(
                "I love the design, but it is slow and the buttons are awful.", Sentiment.MIXED);
        LABELLED.put("Beautiful screen, but the software is buggy and annoying.", Sentiment.MIXED);
    }

    @Test
    void labelsTheHandWrittenSetAsAReaderWould() {
        Map<String, String> wrong = new LinkedHashMap<>();
        LABELLED.forEach(
                (text, expected) -> {
                    Sentiment got = engine.score(text).label();
                    if (got != expected) {
                        wrong.put(
                                text,
                                "expected " + expected + ", got " + got + " " + engine.score(text));
                    }
                });
        assertThat(wrong).isEmpty();
    }

    @Test
    void negationAndEmphasisMoveTheScore() {
        assertThat(engine.score("The product is good.").label()).isEqualTo(Sentiment.POSITIVE);
        assertThat(engine.score("The product is not good.").label()).isEqualTo(Sentiment.NEGATIVE);
        assertThat(engine.score("The product isn't good.").label()).isEqualTo(Sentiment.NEGATIVE);
        double plain = engine.score("The product is good").positive();
        assertThat(engine.score("The product is very good").positive()).isGreaterThan(plain);
        assertThat(engine.score("The product is somewhat good").positive()).isLessThan(plain);
        assertThat(engine.score("The product is GOOD").positive()).isGreaterThan(plain);
        assertThat(engine.score("The product is good!!").label()).isEqualTo(Sentiment.POSITIVE);
    }

    @Test
    void theFourScoresAreProbabilitiesThatSumToOne() {
        for (String text : LABELLED.keySet()) {
            SentimentScore s = engine.score(text);
            for (double v : new double[] {s.positive(), s.negative(), s.neutral(), s.mixed()}) {
                assertThat(v).isBetween(0.0, 1.0);
            }
            assertThat(s.positive() + s.negative() + s.neutral() + s.mixed())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
            assertThat(s.engine()).isEqualTo(LexiconSentimentEngine.NAME);
        }
    }

    @Test
    void otherLanguagesAndEmptyTextHaveAClearOutcome() {
        SentimentScore german = engine.score("de", List.of("Das Gerät ist gut.")).join().get(0);
        assertThat(german.label()).isEqualTo(Sentiment.UNKNOWN);
        assertThat(german.reason()).contains("English only");
        assertThat(engine.score("...").label()).isEqualTo(Sentiment.NEUTRAL);
    }
}
