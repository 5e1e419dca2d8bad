package io.changeviews.connectors.sink;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.aws.AwsAsyncClients;
import io.changeviews.connectors.change.DeadLetter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbSink;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.types.Row;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Builds the job's DynamoDB sinks: the key-ordered view writers ({@link KeyOrderedDynamoDbSink},
 * {@link OnCheckpointDynamoDbSink}), and the connector's {@link DynamoDbSink} where one request in
 * flight is enough (dead letters) or for comparison (the writer benchmark).
 *
 * <p>The {@link DynamoDbSink}s keep one request in flight per writer: a batch that is throttled or
 * partly unprocessed is put back at the head of the buffer before the next batch leaves, so an
 * older value of a key can never be written after a newer one. {@code overwriteByPartitionKeys}
 * keeps only the newest write of a key when two land in one batch (BatchWriteItem rejects duplicate
 * keys). Retryable errors are retried, never dropped ({@code failOnError=false}).
 */
public final class DynamoDbSinks {
    private DynamoDbSinks() {}

    /** How long a write may wait in the sink's buffer; coalescing already happened upstream. */
    static final long MAX_TIME_IN_BUFFER_MS = 200;

    /** How long a view write's BatchWriteItem call may take, retried as a timeout after that. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A view's writer in {@code immediate} mode: writes as rows arrive, up to {@code maxInFlight}
     * requests at once.
     */
    public static KeyOrderedDynamoDbSink keyOrdered(
            String table, RowItemConverter converter, Properties aws, int maxInFlight) {
        return new KeyOrderedDynamoDbSink(
                table, converter, clients(aws, maxInFlight), maxInFlight, true);
    }

    /**
     * A view's writer in {@code on-checkpoint} mode: writes a checkpoint interval's rows once the
     * checkpoint completed.
     */
    public static OnCheckpointDynamoDbSink onCheckpoint(
            String table, RowItemConverter converter, Properties aws, int maxInFlight) {
        return new OnCheckpointDynamoDbSink(
                table, converter, clients(aws, maxInFlight), maxInFlight);
    }

    /**
     * The DynamoDB async clients of the view writers, from the connector's {@code aws.*}
     * properties.
     */
    public static AsyncClientProvider<DynamoDbAsyncClient> clients(
            Properties aws, int maxInFlight) {
        return AwsAsyncClients.dynamoDb(aws, CALL_TIMEOUT, maxInFlight);
    }

    /**
     * The connector's sink with one request in flight, for view rows: what the view writers
     * replaced.
     */
    public static DynamoDbSink<Row> rows(
            String table, RowItemConverter converter, Properties awsProperties) {
        return build(table, converter, converter.keyColumns(), awsProperties);
    }

    public static DynamoDbSink<DeadLetter> deadLetters(String table, Properties awsProperties) {
        return build(
                table,
                new DeadLetterItemConverter(),
                Arrays.asList(DeadLetterItemConverter.SOURCE, DeadLetterItemConverter.POSITION),
                awsProperties);
    }

    private static <T> DynamoDbSink<T> build(
            String table,
            ElementConverter<T, DynamoDbWriteRequest> converter,
            List<String> keys,
            Properties awsProperties) {
        return DynamoDbSink.<T>builder()
                .setTableName(table)
                .setElementConverter(converter)
                .setOverwriteByPartitionKeys(keys)
                .setDynamoDbProperties(awsProperties)
                .setMaxBatchSize(25)
                .setMaxInFlightRequests(1)
                .setMaxTimeInBufferMS(MAX_TIME_IN_BUFFER_MS)
                .setFailOnError(false)
                .build();
    }
}
