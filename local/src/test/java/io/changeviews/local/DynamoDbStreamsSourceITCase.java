package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.ops.RepoPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The alternative source: the job reads a table's DynamoDB Stream (DynamoDB Local's, through the
 * connector's DynamoDB Streams consumer) instead of Kinesis, and its view equals a recomputation
 * from a scan of the table.
 */
class DynamoDbStreamsSourceITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void itemCountByDateFollowsTheOrdersTableStream() throws Exception {
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start()) {
            DynamoDbClient ddb = dynamoDb.client();
            LocalTables.createSourceTables(ddb);
            String arn =
                    dynamoDb.streamsClient()
                            .listStreams(b -> b.tableName(SampleData.ORDERS))
                            .streams()
                            .get(0)
                            .streamArn();

            Map<String, Map<String, String>> overrides = new HashMap<>();
            Map<String, String> source = EndpointProperties.forEndpoint(dynamoDb.endpoint());
            source.put(JobConfig.SOURCE_TYPE, "dynamodb-streams");
            source.put(JobConfig.STREAM_NAME, null);
            source.put(JobConfig.STREAM_ARN, arn);
            source.put(JobConfig.STREAM_TABLE, SampleData.ORDERS);
            overrides.put(JobConfig.SOURCE, source);
            Map<String, String> sink = EndpointProperties.forEndpoint(dynamoDb.endpoint());
            sink.put(JobConfig.FLUSH_INTERVAL_MS, "300");
            overrides.put(JobConfig.DYNAMODB, sink);
            overrides.put(ArchiveConfig.GROUP, ArchiveConfig.pathOverride(null));
            JobConfig config =
                    JobConfig.from(
                            ApplicationProperties.withOverrides(
                                    ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                    overrides));
            LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());

            SampleData data = new SampleData(3);
            for (int i = 0; i < 1_500; i++) {
                SampleData.Operation op = data.next();
                op.applyTo(ddb);
            }
            List<Map<String, DdbValue>> orders = new ArrayList<>();
            ddb.scanPaginator(b -> b.tableName(SampleData.ORDERS))
                    .items()
                    .forEach(item -> orders.add(AttributeCodec.fromSdk(item)));
            Map<String, List<Map<String, DdbValue>>> tables = new HashMap<>();
            tables.put(SampleData.ORDERS, orders);
            assertThat(new ExpectedViews(tables, List.of()).of("item_count_by_date")).isNotEmpty();

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            List<ChangeViewsPipeline.MaterializedView> views = ChangeViewsJob.build(env, config);
            LocalTables.createTargetTables(ddb, views);
            ChangeViewsPipeline.MaterializedView view =
                    views.stream()
                            .filter(v -> v.spec.name().equals("item_count_by_date"))
                            .findFirst()
                            .orElseThrow();
            JobClient job = env.executeAsync("changeviews-dynamodb-streams");
            try {
                EmulatedPipeline.awaitViews(
                        ddb,
                        List.of(view),
                        new ExpectedViews(tables, List.of()),
                        Duration.ofMinutes(2));
                assertThat(
                                LocalTables.scanAsText(
                                        ddb,
                                        config.deadLetterTable(),
                                        List.of("source", "position")))
                        .isEmpty();
            } finally {
                job.cancel().get();
            }
        }
    }
}
