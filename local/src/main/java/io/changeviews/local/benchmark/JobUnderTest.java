package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.AwsPipelineIo;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.ops.RepoPaths;
import io.changeviews.local.LocalTables;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Row;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The job as the benchmark runs it: the shipped configuration on local endpoints, and the one place
 * that builds its pipeline.
 */
final class JobUnderTest {
    /** The view whose writes, final state and latency the benchmark measures. */
    static final String VIEW_TABLE = "item_count_by_date";

    /** The source table the workload changes and {@value #VIEW_TABLE} reads. */
    static final String ORDERS = "Order_by_item";

    static final List<String> VIEW_KEY = Arrays.asList("item_number", "order_date");

    /** The stream the order changes come from. */
    static final String STREAM = "benchmark-changes";

    private JobUnderTest() {}

    /**
     * Builds the job's pipeline into {@code env} with its DynamoDB sinks, fed by {@code records},
     * or by the configured source where {@code records} is null; returns what each view is
     * materialized as.
     */
    static List<MaterializedView> build(
            StreamExecutionEnvironment env, JobConfig config, DataStream<DecodeResult> records) {
        if (records == null) {
            return ChangeViewsJob.build(env, config);
        }
        return ChangeViewsPipeline.build(env, config, new Fed(config, records));
    }

    /**
     * Builds the job into {@code env} fed by {@code feed}'s records, with its DynamoDB sinks into
     * fresh view tables (an earlier run may have written the same views) and the dead-letter table
     * in {@code ddb}; returns what each view is materialized as.
     */
    static List<MaterializedView> buildFed(
            StreamExecutionEnvironment env,
            JobConfig config,
            EncodedFeed feed,
            DynamoDbClient ddb) {
        List<MaterializedView> views =
                build(env, config, feed.decoded(env, "Pre-encoded KDS records", STREAM));
        LocalTables.recreateTargetTables(ddb, views);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        return views;
    }

    /**
     * Builds the job's compute path into {@code env}, fed by {@code records} (or by the configured
     * source where it is null): {@value #VIEW_TABLE} into {@code measuredView}, every other view
     * and the dead letters discarded, no DynamoDB write.
     */
    static void buildComputePath(
            StreamExecutionEnvironment env,
            JobConfig config,
            DataStream<DecodeResult> records,
            Sink<Row> measuredView) {
        ChangeViewsPipeline.build(
                env,
                config,
                new Fed(config, records) {
                    @Override
                    public Sink<Row> view(ViewSpec view, RowItemConverter converter) {
                        return view.targetTable().equals(VIEW_TABLE)
                                ? measuredView
                                : new DiscardingSink<>();
                    }

                    @Override
                    public Sink<DeadLetter> deadLetters() {
                        return new DiscardingSink<>();
                    }
                });
    }

    /** The real connectors, but for the changes: the given records, if any. */
    private static class Fed extends AwsPipelineIo {
        private final DataStream<DecodeResult> records;

        Fed(JobConfig config, DataStream<DecodeResult> records) {
            super(config);
            this.records = records;
        }

        @Override
        public DataStream<DecodeResult> changes(StreamExecutionEnvironment env) {
            return records == null ? super.changes(env) : records;
        }
    }

    /**
     * The shipped configuration, its sinks pointed at {@code dynamoDbEndpoint} and, if given, its
     * source overridden.
     */
    static JobConfig config(String dynamoDbEndpoint, Map<String, String> source)
            throws IOException {
        return config(dynamoDbEndpoint, source, new HashMap<>());
    }

    /**
     * The shipped configuration cut down to the peer's work: the table {@value #VIEW_TABLE} reads
     * and that one view, no sentiment; so that the compute path and the peer are compared on the
     * same view, not on nine views against one.
     */
    static JobConfig measuredViewOnly(String dynamoDbEndpoint) throws IOException {
        return measuredViewOnly(dynamoDbEndpoint, new HashMap<>());
    }

    /** As above, with other groups' properties replaced by {@code overrides}. */
    static JobConfig measuredViewOnly(
            String dynamoDbEndpoint, Map<String, Map<String, String>> overrides)
            throws IOException {
        Map<String, Properties> groups = shippedGroups(dynamoDbEndpoint, overrides);
        groups.keySet()
                .removeIf(
                        id ->
                                id.equals(SentimentConfig.SENTIMENT)
                                        || id.startsWith(JobConfig.TABLE_PREFIX)
                                                && !id.equals(JobConfig.TABLE_PREFIX + ORDERS)
                                        || id.startsWith(JobConfig.VIEW_PREFIX)
                                                && !id.equals(JobConfig.VIEW_PREFIX + VIEW_TABLE));
        return JobConfig.from(groups);
    }

    /**
     * The shipped configuration with the sinks on {@code dynamoDbEndpoint}, and the source and
     * other groups replaced.
     */
    static JobConfig config(
            String dynamoDbEndpoint,
            Map<String, String> source,
            Map<String, Map<String, String>> overrides)
            throws IOException {
        if (source != null) {
            overrides.put(JobConfig.SOURCE, source);
        }
        return JobConfig.from(shippedGroups(dynamoDbEndpoint, overrides));
    }

    private static Map<String, Properties> shippedGroups(
            String dynamoDbEndpoint, Map<String, Map<String, String>> overrides)
            throws IOException {
        overrides.put(JobConfig.DYNAMODB, EndpointProperties.forEndpoint(dynamoDbEndpoint));
        overrides.put(ArchiveConfig.GROUP, ArchiveConfig.pathOverride(null));
        return ApplicationProperties.withOverrides(
                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), overrides);
    }
}
