package io.changeviews.connectors.sink;

import io.changeviews.connectors.change.DeadLetter;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbSink;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.types.Row;

/**
 * Builds the job's {@link DynamoDbSink}s with the settings that keep writes ordered per key.
 *
 * <p>One request in flight per writer: a batch that is throttled or partly unprocessed is put back
 * at the head of the buffer before the next batch leaves, so an older value of a key can never be
 * written after a newer one. {@code overwriteByPartitionKeys} keeps only the newest write of a key
 * when two land in one batch (BatchWriteItem rejects duplicate keys). Retryable errors are retried,
 * never dropped ({@code failOnError=false}).
 */
public final class DynamoDbSinks {
    private DynamoDbSinks() {}

    /** How long a write may wait in the sink's buffer; coalescing already happened upstream. */
    static final long MAX_TIME_IN_BUFFER_MS = 200;

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
