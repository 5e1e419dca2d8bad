package io.changeviews.job.sentiment;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.types.Row;

/**
 * A change of one review on its way through scoring: what to do with it, its text, and (once
 * scored) its sentiment.
 */
public class ReviewChange {
    /** What the scoring step does with a change. */
    public enum Action {
        /** The text is new for this review: score it. */
        SCORE,
        /** The text is the one scored last for this review: keep that sentiment. */
        REUSE,
        /** The review is gone (deleted, or its text removed). */
        DELETE
    }

    public String key;
    public Action action;

    /**
     * The review's current-state row (declared columns and change_time); for DELETE, its last row.
     */
    public Row review;

    public String language;

    /** The text to score, already cut to Comprehend's limit (SCORE only). */
    public String text;

    public String textHash;
    public String sentiment;
    public Double positive;
    public Double negative;
    public Double neutral;
    public Double mixed;
    public String engine;

    public ReviewChange() {}

    /** Flink's type for this class, with the review row typed by the table's columns (no Kryo). */
    public static TypeInformation<ReviewChange> typeInfo(TypeInformation<Row> reviewType) {
        try {
            List<PojoField> fields = new ArrayList<>();
            fields.add(new PojoField(ReviewChange.class.getField("key"), Types.STRING));
            fields.add(
                    new PojoField(ReviewChange.class.getField("action"), Types.ENUM(Action.class)));
            fields.add(new PojoField(ReviewChange.class.getField("review"), reviewType));
            for (String name :
                    new String[] {"language", "text", "textHash", "sentiment", "engine"}) {
                fields.add(new PojoField(ReviewChange.class.getField(name), Types.STRING));
            }
            for (String name : new String[] {"positive", "negative", "neutral", "mixed"}) {
                fields.add(new PojoField(ReviewChange.class.getField(name), Types.DOUBLE));
            }
            return new PojoTypeInfo<>(ReviewChange.class, fields);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of this REUSE as a SCORE: its text is scored again. */
    public ReviewChange asScore() {
        ReviewChange c = withScore(null);
        c.action = Action.SCORE;
        c.text = text;
        return c;
    }

    /**
     * A copy of this change carrying {@code score} (none if null), without the text: a late second
     * answer cannot touch what was already emitted.
     */
    public ReviewChange withScore(SentimentScore score) {
        ReviewChange c = new ReviewChange();
        c.key = key;
        c.action = action;
        c.review = review;
        c.language = language;
        c.textHash =
                textHash; // the text itself is not needed any further: not shipped through the next
        // shuffle
        if (score != null) {
            c.sentiment = score.label().name();
            c.positive = score.positive();
            c.negative = score.negative();
            c.neutral = score.neutral();
            c.mixed = score.mixed();
            c.engine = score.engine();
        }
        return c;
    }

    @Override
    public String toString() {
        return action + " " + key + " " + sentiment + " " + review;
    }
}
