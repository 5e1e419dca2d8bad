package io.changeviews.job.sentiment;

import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.normalize.TableTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

/**
 * The enriched review tables' row types: the review table's declared columns, then the sentiment
 * columns, then ({@code _changes} only) {@code event_name}, then {@code change_time}.
 */
public final class EnrichedReviewTypes {
    public static final String SENTIMENT = "sentiment";
    public static final String ENGINE = "sentiment_engine";

    /** The sentiment columns, in row order after the declared columns. */
    public static final List<String> SENTIMENT_COLUMNS =
            List.of(
                    SENTIMENT,
                    "sentiment_positive",
                    "sentiment_negative",
                    "sentiment_neutral",
                    "sentiment_mixed",
                    ENGINE);

    /** Suffix of the enriched current-state table's SQL name, e.g. {@code reviews_enriched}. */
    public static final String ENRICHED_SUFFIX = "_enriched";

    private EnrichedReviewTypes() {}

    /** The enriched current-state table: one row per review that has text. */
    public static DataType enriched(SourceTableSpec table) {
        return DataTypes.ROW(fields(table, false).toArray(new DataTypes.Field[0]));
    }

    /** The append-only enriched changes table. */
    public static DataType changes(SourceTableSpec table) {
        return DataTypes.ROW(fields(table, true).toArray(new DataTypes.Field[0]));
    }

    /**
     * The changes table's schema: {@code change_time} is its event-time attribute with the stream's
     * watermarks.
     */
    public static Schema changesSchema(SourceTableSpec table) {
        return Schema.newBuilder()
                .fromRowDataType(changes(table))
                .watermark(SourceTableSpec.CHANGE_TIME, "SOURCE_WATERMARK()")
                .build();
    }

    private static List<DataTypes.Field> fields(SourceTableSpec table, boolean withEventName) {
        List<DataTypes.Field> fields = new ArrayList<>(DataType.getFields(TableTypes.image(table)));
        fields.add(DataTypes.FIELD(SENTIMENT, DataTypes.STRING()));
        for (String score : SENTIMENT_COLUMNS.subList(1, 5)) {
            fields.add(DataTypes.FIELD(score, DataTypes.DOUBLE()));
        }
        fields.add(DataTypes.FIELD(ENGINE, DataTypes.STRING()));
        if (withEventName) {
            fields.add(DataTypes.FIELD(SourceTableSpec.EVENT_NAME, DataTypes.STRING()));
        }
        fields.add(DataTypes.FIELD(SourceTableSpec.CHANGE_TIME, DataTypes.TIMESTAMP_LTZ(3)));
        return fields;
    }

    /**
     * A review's state row (declared columns, change_time) with a sentiment; a missing label is
     * UNKNOWN.
     */
    static Row enrichedRow(
            Row review,
            String sentiment,
            Double positive,
            Double negative,
            Double neutral,
            Double mixed,
            String engine) {
        int n = review.getArity() - 1;
        Row r = new Row(n + SENTIMENT_COLUMNS.size() + 1);
        for (int i = 0; i < n; i++) {
            r.setField(i, review.getField(i));
        }
        r.setField(n, sentiment == null ? Sentiment.UNKNOWN.name() : sentiment);
        r.setField(n + 1, positive);
        r.setField(n + 2, negative);
        r.setField(n + 3, neutral);
        r.setField(n + 4, mixed);
        r.setField(n + 5, engine);
        r.setField(n + 6, review.getField(n));
        return r;
    }

    /**
     * A review's state row with the sentiment of {@code previous}, an enriched row of the same
     * review.
     */
    static Row enrichedRow(Row review, Row previous) {
        int n = review.getArity() - 1;
        return enrichedRow(
                review,
                (String) previous.getField(n),
                (Double) previous.getField(n + 1),
                (Double) previous.getField(n + 2),
                (Double) previous.getField(n + 3),
                (Double) previous.getField(n + 4),
                (String) previous.getField(n + 5));
    }

    /** The append-only change row of an enriched row. */
    static Row changeRow(Row enriched, String eventName, Instant changeTime) {
        int k = enriched.getArity() - 1;
        Row r = new Row(k + 2);
        for (int i = 0; i < k; i++) {
            r.setField(i, enriched.getField(i));
        }
        r.setField(k, eventName);
        r.setField(k + 1, changeTime);
        return r;
    }
}
