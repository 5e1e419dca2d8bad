package io.changeviews.job.bootstrap;

import io.changeviews.connectors.aws.AwsAsyncClients;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamStatus;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The DynamoDB Streams a {@code dynamodb-streams} job follows, one per declared table (its {@code
 * stream.arn}, or the table's latest stream), checked before the job starts: a stream the job
 * cannot use fails the start with a message naming the table's property, instead of showing later
 * as views that miss changes.
 *
 * <p>Every stream must be ENABLED (a disabled one gets no more changes) and carry new images (the
 * decoder needs {@code NewImage} for inserts and modifications). A table with a snapshot reads its
 * stream from TRIM_HORIZON ({@link StreamStart}), which covers the snapshot only if the stream
 * already existed when the snapshot's earliest item stamp was taken: the snapshot's start minus the
 * table's {@code snapshot.clock-margin.ms}. The 24 hours the stream keeps records are not checked
 * here: the snapshot runs while the stream is read, so only a consumer more than a day behind would
 * lose records.
 */
public final class TableStreams {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<StreamViewType> WITH_NEW_IMAGES =
            Set.of(StreamViewType.NEW_IMAGE, StreamViewType.NEW_AND_OLD_IMAGES);

    private TableStreams() {}

    /**
     * Each declared table's stream ARN → its DynamoDB table, looked up and checked now:
     * DescribeTable with the {@code dynamodb} group's {@code aws.*} settings (as the snapshot's
     * Scan), DescribeStream with the {@code source} group's (as the stream's consumer).
     *
     * @param snapshotStart when the tables' snapshots start (no page is requested before it)
     */
    public static Map<String, String> resolve(JobConfig config, Instant snapshotStart) {
        try (DynamoDbClient ddb = client(DynamoDbClient.builder(), config.dynamoDbProperties());
                DynamoDbStreamsClient streams =
                        client(DynamoDbStreamsClient.builder(), config.sourceProperties())) {
            return resolve(
                    config.tables(),
                    snapshotStart,
                    table -> ddb.describeTable(b -> b.tableName(table)).table(),
                    arn ->
                            streams.describeStream(b -> b.streamArn(arn).limit(1))
                                    .streamDescription());
        }
    }

    /**
     * As above, with the two describe calls given: a table's description by its name, a stream's by
     * its ARN (each may throw {@link ResourceNotFoundException}).
     */
    static Map<String, String> resolve(
            List<SourceTableSpec> tables,
            Instant snapshotStart,
            Function<String, TableDescription> describeTable,
            Function<String, StreamDescription> describeStream) {
        Map<String, String> tableByArn = new LinkedHashMap<>();
        for (SourceTableSpec t : tables) {
            String arn = t.streamArn() != null ? t.streamArn() : latestStream(t, describeTable);
            StreamDescription stream;
            try {
                stream = describeStream.apply(arn);
            } catch (ResourceNotFoundException e) {
                throw problem(t, JobConfig.TABLE_STREAM_ARN, "stream " + arn + " does not exist");
            }
            check(t, arn, stream, snapshotStart);
            tableByArn.put(arn, t.dynamoDbTable());
        }
        return tableByArn;
    }

    private static String latestStream(
            SourceTableSpec t, Function<String, TableDescription> describeTable) {
        TableDescription table;
        try {
            table = describeTable.apply(t.dynamoDbTable());
        } catch (ResourceNotFoundException e) {
            throw problem(
                    t,
                    JobConfig.TABLE_DYNAMODB_NAME,
                    "DynamoDB table " + t.dynamoDbTable() + " does not exist");
        }
        if (table.latestStreamArn() == null) {
            throw problem(
                    t,
                    JobConfig.TABLE_STREAM_ARN,
                    "DynamoDB table "
                            + t.dynamoDbTable()
                            + " has no stream: enable one with view type NEW_AND_OLD_IMAGES (or"
                            + " NEW_IMAGE), or name the stream in "
                            + JobConfig.TABLE_STREAM_ARN);
        }
        return table.latestStreamArn();
    }

    /** Fails unless the stream can feed the table's views and, with a snapshot, covers it. */
    static void check(
            SourceTableSpec t, String arn, StreamDescription stream, Instant snapshotStart) {
        if (!t.dynamoDbTable().equals(stream.tableName())) {
            throw problem(
                    t,
                    JobConfig.TABLE_STREAM_ARN,
                    "stream " + arn + " belongs to table " + stream.tableName());
        }
        if (stream.streamStatus() != StreamStatus.ENABLED) {
            throw problem(
                    t,
                    JobConfig.TABLE_STREAM_ARN,
                    "stream "
                            + arn
                            + " is "
                            + stream.streamStatusAsString()
                            + ", not ENABLED: it gets no (or not yet) changes of the table");
        }
        if (!WITH_NEW_IMAGES.contains(stream.streamViewType())) {
            throw problem(
                    t,
                    JobConfig.TABLE_STREAM_ARN,
                    "stream "
                            + arn
                            + " has view type "
                            + stream.streamViewTypeAsString()
                            + ": the job needs new images (NEW_AND_OLD_IMAGES or NEW_IMAGE)");
        }
        if (t.snapshot() == null) {
            return;
        }
        Instant earliestStamp = snapshotStart.minusMillis(t.snapshot().clockMarginMillis());
        Instant created = stream.creationRequestDateTime();
        if (created == null || created.isAfter(earliestStamp)) {
            throw problem(
                    t,
                    JobConfig.TABLE_SNAPSHOT,
                    "stream "
                            + arn
                            + " was created at "
                            + created
                            + ", after "
                            + earliestStamp
                            + " (the snapshot's start minus "
                            + JobConfig.SNAPSHOT_CLOCK_MARGIN_MS
                            + ", the earliest time an item can be stamped with): a change made"
                            + " after an item was read could be in neither the stream nor the"
                            + " snapshot. Start the job once the stream is older than the margin");
        }
    }

    private static ConfigException problem(SourceTableSpec t, String key, String problem) {
        return new ConfigException(t.group(), key, problem);
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
            B builder, Properties aws) {
        return AwsAsyncClients.located(builder, aws)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT))
                .build();
    }
}
