package io.changeviews.connectors.source;

import io.changeviews.connectors.change.DecodeResult;
import java.util.Collections;
import java.util.Properties;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.connectors.kinesis.FlinkDynamoDBStreamsConsumer;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;

/**
 * Creates the change-record sources: a Kinesis Data Stream fed by "Kinesis Data Streams for
 * DynamoDB", or a table's DynamoDB Stream. Both use the AWS connector's consumers, configured with
 * its {@code aws.*} and {@code flink.stream.*} properties (region, endpoint, credentials, initial
 * position).
 */
public final class ChangeSourceFactory {
    private ChangeSourceFactory() {}

    /** Reads KDS-for-DynamoDB records; each names its table. */
    public static SourceFunction<DecodeResult> kinesis(
            String streamName, Properties consumerProperties) {
        return new FlinkKinesisConsumer<>(
                streamName,
                new ChangeRecordDeserializationSchema("kinesis", null),
                consumerProperties);
    }

    /**
     * Reads one table's DynamoDB Stream (by stream ARN); its records are attributed to {@code
     * tableName}.
     */
    public static SourceFunction<DecodeResult> dynamoDbStreams(
            String streamArn, String tableName, Properties consumerProperties) {
        return new FlinkDynamoDBStreamsConsumer<>(
                Collections.singletonList(streamArn),
                new ChangeRecordDeserializationSchema("dynamodb-streams", tableName),
                consumerProperties);
    }
}
