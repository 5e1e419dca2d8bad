package io.changeviews.job.sentiment;

import io.changeviews.job.common.Uids;
import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.normalize.TableTypes;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

/**
 * Adds sentiment to a review table's changelog: text changes per review → async, batched scoring
 * (ordered, so a review's changes keep their order) → the enriched changelog, registered as the SQL
 * tables {@code <table>_enriched} (current state) and {@code <table>_enriched_changes}
 * (append-only, with {@code change_time} as event time).
 */
public final class ReviewEnrichment {
    /**
     * Beyond every retry: what the async operator allows before it gives a review UNKNOWN itself.
     */
    private static final Duration ASYNC_SLACK = Duration.ofSeconds(60);

    private ReviewEnrichment() {}

    /**
     * Wires the enrichment onto {@code reviews} (the table's current-state changelog), scored by
     * {@code scoring}, and registers the two enriched tables.
     */
    public static void register(
            StreamTableEnvironment tEnv,
            JobConfig config,
            DataStream<Row> reviews,
            ReviewScoring scoring) {
        SentimentConfig s = config.sentiment();
        SourceTableSpec table = s.table();
        String id = Uids.kebab(table.sqlName());

        SingleOutputStreamOperator<ReviewChange> work =
                reviews.keyBy(new ReviewKeySelector(fields(table, s.keyColumns())))
                        .process(
                                new TextChangeDetector(
                                        fields(table, s.textColumns()),
                                        s.languageColumn() == null
                                                ? -1
                                                : fields(table, List.of(s.languageColumn()))[0],
                                        s.language()),
                                ReviewChange.typeInfo(TableTypes.typeInfo(TableTypes.state(table))))
                        .uid("review-text-changes-" + id)
                        .name("Review text changes of " + table.sqlName());

        ReviewScorer scorer = scoring.scorer(s);
        long timeout =
                asyncTimeout(s, reviews.getExecutionEnvironment().getParallelism()).toMillis();
        DataStream<ReviewChange> scored =
                AsyncDataStream.orderedWait(
                                work, scorer, timeout, TimeUnit.MILLISECONDS, s.maxInFlight())
                        .uid("score-reviews-" + id)
                        .name(
                                "Score review sentiment ("
                                        + s.engine().name().toLowerCase(Locale.ROOT)
                                        + ")");

        TypeInformation<Row> enrichedType =
                TableTypes.typeInfo(EnrichedReviewTypes.enriched(table));
        OutputTag<Row> changesTag =
                new OutputTag<>(
                        "enriched-changes-" + id,
                        TableTypes.typeInfo(EnrichedReviewTypes.changes(table)));
        SingleOutputStreamOperator<Row> enriched =
                scored.keyBy(c -> c.key)
                        .process(
                                new EnrichedReviewChangelog(enrichedType, changesTag), enrichedType)
                        .uid("enrich-reviews-" + id)
                        .name("Enrich " + table.sqlName());

        String name = table.sqlName() + EnrichedReviewTypes.ENRICHED_SUFFIX;
        tEnv.createTemporaryView(
                name,
                tEnv.fromChangelogStream(
                        enriched,
                        Schema.newBuilder()
                                .fromRowDataType(EnrichedReviewTypes.enriched(table))
                                .build(),
                        ChangelogMode.all()));
        tEnv.createTemporaryView(
                name + SourceTableSpec.CHANGES_SUFFIX,
                tEnv.fromDataStream(
                        enriched.getSideOutput(changesTag),
                        EnrichedReviewTypes.changesSchema(table)));
    }

    /**
     * What a review may take in the async operator before it is given UNKNOWN there: the batch
     * wait, waiting for rate slots behind a full operator of one-review batches, every Comprehend
     * attempt with its backoff, and the cache's lookup and store with theirs. Generous on purpose:
     * it is the last resort.
     */
    static Duration asyncTimeout(SentimentConfig s, int parallelism) {
        Duration attempt = s.callTimeout().plus(s.backoffMax());
        Duration rateQueue =
                Duration.ofMillis(
                        (long)
                                Math.ceil(
                                        s.maxInFlight()
                                                * Math.max(1, parallelism)
                                                * 1000.0
                                                / s.callsPerSecond()));
        return s.batchMaxWait()
                .plus(rateQueue)
                .plus(attempt.multipliedBy(s.maxAttempts()))
                .plus(attempt.multipliedBy(2L * DynamoDbScoreCache.ATTEMPTS))
                .plus(ASYNC_SLACK);
    }

    /** The positions of {@code names} among the table's declared columns. */
    private static int[] fields(SourceTableSpec table, List<String> names) {
        int[] out = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            out[i] = -1;
            List<ColumnSpec> columns = table.columns();
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c).name().equals(names.get(i))) {
                    out[i] = c;
                }
            }
        }
        return out;
    }
}
