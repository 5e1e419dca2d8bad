package io.changeviews.connectors.source;

import io.changeviews.connectors.change.DecodeResult;
import java.util.ArrayList;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.connectors.kinesis.FlinkDynamoDBStreamsConsumer;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;

/**
 * Creates the change-record sources: a Kinesis Data Stream fed by "Kinesis Data Streams for
 * DynamoDB", or the tables' DynamoDB Streams. Both use the AWS connector's consumers, configured
 * with its {@code aws.*} and {@code flink.stream.*} properties (region, endpoint, credentials,
 * initial position).
 */
public final class ChangeSourceFactory {
    private ChangeSourceFactory() {}

    /** Reads KDS-for-DynamoDB records; each names its table. */
    public static SourceFunction<DecodeResult> kinesis(
            String streamName, Properties consumerProperties) {
        return new FlinkKinesisConsumer<>(
                streamName, new ChangeRecordDeserializationSchema("kinesis"), consumerProperties);
    }

    /**
     * Reads the DynamoDB Streams of several tables in one consumer, {@code tableByStreamArn} giving
     * each stream's table; a record is attributed to the table of the stream it was read from.
     *
     * <p>One consumer rather than one per table: its subtasks share all the tables' shards, it
     * keeps one uid (so {@code source.uid} still names the whole position, and a job that read one
     * table's stream restores into it), and a stream added on a restore is discovered and read from
     * its oldest record, as the consumer does with any shard its state does not know. The record
     * itself does not name its table, but the consumer hands each record over with its stream's
     * ARN.
     */
    public static SourceFunction<DecodeResult> dynamoDbStreams(
            Map<String, String> tableByStreamArn, Properties consumerProperties) {
        return new FlinkDynamoDBStreamsConsumer<>(
                new ArrayList<>(tableByStreamArn.keySet()),
                new ChangeRecordDeserializationSchema("dynamodb-streams", tableByStreamArn),
                consumerProperties);
    }
}
