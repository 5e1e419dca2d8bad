package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.bootstrap.TableStreams;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.ops.RepoPaths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The alternative source: the job follows the DynamoDB Stream of every declared table (DynamoDB
 * Local's own streams, through the connector's DynamoDB Streams consumer) instead of Kinesis.
 * {@code Order_by_item} is older than its stream: its first {@value #ORDERS_BEFORE_STREAM} items
 * are written while it has no stream, so only its Scan snapshot sees them; {@code ProductReviews}
 * is followed from its stream alone. Changes go on before and while the job runs. The start is
 * refused while the orders' stream is younger than the snapshot's clock margin, and once it is old
 * enough every view equals a recomputation from a final scan.
 */
class DynamoDbStreamsSourceITCase {
    private static final String ORDERS = SampleData.ORDERS;
    private static final String REVIEWS = SampleData.REVIEWS;
    private static final int ORDERS_BEFORE_STREAM = 1_000;

    /**
     * DynamoDB Local's stream stamps changes to the minute, rounded down (a change at 10:00:59.9
     * says 10:00:00), while DynamoDB Streams stamps whole seconds. A change made just after an
     * item's page was read can thus look up to 59.999 s older than the read, so the snapshot's
     * items must be stamped a whole minute earlier to never look newer than it (an equal time goes
     * to the stream's change, by sequence). The job and DynamoDB Local share a clock: no skew.
     */
    private static final long CLOCK_MARGIN_MS = 60_000;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void viewsFollowTwoTablesStreamsOneBootstrappedByAScan() throws Exception {
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start()) {
            DynamoDbClient ddb = dynamoDb.client();
            LocalTables.createSourceTables(ddb);
            JobConfig config = config(dynamoDb.endpoint());
            LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());

            // Order_by_item without a stream, then its items, then a new stream.
            ddb.updateTable(
                    b -> b.tableName(ORDERS).streamSpecification(s -> s.streamEnabled(false)));
            SampleData data = new SampleData(11, List.of(ORDERS, REVIEWS));
            while (data.items(ORDERS).size() < ORDERS_BEFORE_STREAM) {
                data.next().applyTo(ddb);
            }
            ddb.updateTable(
                    b ->
                            b.tableName(ORDERS)
                                    .streamSpecification(
                                            s ->
                                                    s.streamEnabled(true)
                                                            .streamViewType(
                                                                    StreamViewType
                                                                            .NEW_AND_OLD_IMAGES)));
            String ordersStream =
                    ddb.describeTable(b -> b.tableName(ORDERS)).table().latestStreamArn();
            Instant streamCreated =
                    dynamoDb.streamsClient()
                            .describeStream(b -> b.streamArn(ordersStream))
                            .streamDescription()
                            .creationRequestDateTime();

            // Too young a stream is refused, naming the table and the property.
            assertThatThrownBy(() -> TableStreams.resolve(config, Instant.now()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(
                            "configuration table.Order_by_item / snapshot: stream "
                                    + ordersStream
                                    + " was created at");
            // Changes go on, streamed, until the stream covers a snapshot starting now.
            Instant accepted = null;
            long deadline = System.nanoTime() + Duration.ofMillis(CLOCK_MARGIN_MS * 2).toNanos();
            while (accepted == null) {
                assertThat(System.nanoTime())
                        .as("the stream became old enough")
                        .isLessThan(deadline);
                for (int i = 0; i < 5; i++) {
                    data.next().applyTo(ddb);
                }
                Instant now = Instant.now();
                try {
                    assertThat(TableStreams.resolve(config, now))
                            .containsEntry(ordersStream, ORDERS)
                            .containsValue(REVIEWS)
                            .hasSize(SampleData.TABLES.size());
                    accepted = now;
                } catch (ConfigException tooYoung) {
                    assertThat(tooYoung)
                            .hasMessageStartingWith(
                                    "configuration table.Order_by_item / snapshot: stream");
                    Thread.sleep(1000);
                }
            }
            assertThat(accepted).isAfterOrEqualTo(streamCreated.plusMillis(CLOCK_MARGIN_MS));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            // Views are written at the first checkpoint after the snapshot.
            env.enableCheckpointing(500);
            List<ChangeViewsPipeline.MaterializedView> views = ChangeViewsJob.build(env, config);
            LocalTables.createTargetTables(ddb, views);
            JobClient job = env.executeAsync("changeviews-dynamodb-streams");
            try {
                for (int i = 0; i < 600; i++) {
                    data.next().applyTo(ddb);
                }
                List<ChangeEvent> changes = new ArrayList<>();
                for (String table : SampleData.TABLES) {
                    changes.addAll(
                            EmulatedPipeline.streamChanges(ddb, dynamoDb.streamsClient(), table));
                }
                Map<String, List<Map<String, DdbValue>>> tables =
                        EmulatedPipeline.scanSeedTables(ddb);
                Set<Map<String, DdbValue>> streamed = new HashSet<>();
                changes.forEach(c -> streamed.add(c.keys()));
                assertThat(tables.get(ORDERS))
                        .as("orders that only the snapshot can see")
                        .filteredOn(item -> !streamed.contains(keys(item)))
                        .hasSizeGreaterThan(ORDERS_BEFORE_STREAM / 4);
                ExpectedViews expected = new ExpectedViews(tables, changes);
                assertThat(expected.of("item_count_by_date")).isNotEmpty();
                assertThat(expected.of("review_summary")).isNotEmpty();
                EmulatedPipeline.awaitViews(ddb, views, expected, Duration.ofMinutes(3));
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

    private static Map<String, DdbValue> keys(Map<String, DdbValue> item) {
        Map<String, DdbValue> keys = new HashMap<>();
        SampleData.keyNames(ORDERS).forEach(k -> keys.put(k, item.get(k)));
        return keys;
    }

    /**
     * The shipped configuration on DynamoDB Local: every declared table followed through its own
     * stream, {@code Order_by_item} bootstrapped by a slow Scan (small pages, a low read budget)
     * that overlaps the changes made while the job runs.
     */
    private static JobConfig config(String endpoint) throws Exception {
        Map<String, Map<String, String>> overrides = new HashMap<>();
        Map<String, String> source = EndpointProperties.forEndpoint(endpoint);
        source.put(JobConfig.SOURCE_TYPE, "dynamodb-streams");
        source.put(JobConfig.STREAM_NAME, null);
        source.put("flink.shard.getrecords.intervalmillis", "200");
        overrides.put(JobConfig.SOURCE, source);
        Map<String, String> sink = EndpointProperties.forEndpoint(endpoint);
        sink.put(JobConfig.FLUSH_INTERVAL_MS, "300");
        overrides.put(JobConfig.DYNAMODB, sink);
        overrides.put(ArchiveConfig.GROUP, ArchiveConfig.pathOverride(null));
        overrides.put(
                JobConfig.TABLE_PREFIX + ORDERS,
                Map.of(
                        JobConfig.TABLE_SNAPSHOT, "scan",
                        JobConfig.SNAPSHOT_PAGE_SIZE, "100",
                        JobConfig.SNAPSHOT_RCU_PER_SECOND, "20",
                        JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, String.valueOf(CLOCK_MARGIN_MS)));
        overrides.values().forEach(EmulatedPipeline::recorded);
        return JobConfig.from(
                ApplicationProperties.withOverrides(
                        ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), overrides));
    }
}
