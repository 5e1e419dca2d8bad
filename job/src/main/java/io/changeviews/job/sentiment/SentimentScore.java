package io.changeviews.job.sentiment;

import java.io.Serializable;
import java.util.Objects;

/**
 * One text's sentiment: the label, the four scores (null when UNKNOWN), the engine, and why it is
 * UNKNOWN.
 */
public final class SentimentScore implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Sentiment label;
    private final Double positive;
    private final Double negative;
    private final Double neutral;
    private final Double mixed;
    private final String engine;
    private final String reason;

    private SentimentScore(
            Sentiment label,
            Double positive,
            Double negative,
            Double neutral,
            Double mixed,
            String engine,
            String reason) {
        this.label = label;
        this.positive = positive;
        this.negative = negative;
        this.neutral = neutral;
        this.mixed = mixed;
        this.engine = engine;
        this.reason = reason;
    }

    public static SentimentScore of(
            Sentiment label,
            double positive,
            double negative,
            double neutral,
            double mixed,
            String engine) {
        return new SentimentScore(label, positive, negative, neutral, mixed, engine, null);
    }

    /**
     * A text that could not be scored, with the reason (kept in logs and metrics, not in the
     * views).
     */
    public static SentimentScore unknown(String engine, String reason) {
        return new SentimentScore(Sentiment.UNKNOWN, null, null, null, null, engine, reason);
    }

    public Sentiment label() {
        return label;
    }

    public boolean isKnown() {
        return label != Sentiment.UNKNOWN;
    }

    public Double positive() {
        return positive;
    }

    public Double negative() {
        return negative;
    }

    public Double neutral() {
        return neutral;
    }

    public Double mixed() {
        return mixed;
    }

    public String engine() {
        return engine;
    }

    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SentimentScore)) {
            return false;
        }
        SentimentScore s = (SentimentScore) o;
        return label == s.label
                && Objects.equals(positive, s.positive)
                && Objects.equals(negative, s.negative)
                && Objects.equals(neutral, s.neutral)
                && Objects.equals(mixed, s.mixed)
                && Objects.equals(engine, s.engine)
                && Objects.equals(reason, s.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, positive, negative, neutral, mixed, engine, reason);
    }

    @Override
    public String toString() {
        return label
                + (isKnown()
                        ? " +" + positive + " -" + negative + " =" + neutral + " ~" + mixed
                        : " (" + reason + ")")
                + " by "
                + engine;
    }
}
