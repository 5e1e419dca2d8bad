package io.changeviews.job;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.DynamoDbSinks;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.connectors.source.ChangeSourceFactory;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.sentiment.ReviewScoring;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.types.Row;

/**
 * The configured connectors: the Kinesis or DynamoDB Streams source, each view's DynamoDB table
 * (written in the configured {@code write.mode}), the dead-letter table, the Parquet archive under
 * {@code archive.path}, the configured sentiment engine.
 */
public class AwsPipelineIo implements PipelineIo {
    private final JobConfig config;

    public AwsPipelineIo(JobConfig config) {
        this.config = config;
    }

    @Override
    public DataStream<DecodeResult> changes(StreamExecutionEnvironment env) {
        SourceFunction<DecodeResult> source =
                config.sourceType() == JobConfig.SourceType.KINESIS
                        ? ChangeSourceFactory.kinesis(config.stream(), config.sourceProperties())
                        : ChangeSourceFactory.dynamoDbStreams(
                                config.stream(), config.streamTable(), config.sourceProperties());
        return env.addSource(source)
                .uid(config.sourceUid())
                .name("Changes from " + config.stream());
    }

    @Override
    public Sink<Row> view(ViewSpec view, RowItemConverter converter) {
        return config.writeMode() == JobConfig.WriteMode.ON_CHECKPOINT
                ? DynamoDbSinks.onCheckpoint(
                        view.targetTable(),
                        converter,
                        config.dynamoDbProperties(),
                        config.writeMaxInFlight())
                : DynamoDbSinks.keyOrdered(
                        view.targetTable(),
                        converter,
                        config.dynamoDbProperties(),
                        config.writeMaxInFlight());
    }

    @Override
    public Sink<DeadLetter> deadLetters() {
        return DynamoDbSinks.deadLetters(config.deadLetterTable(), config.dynamoDbProperties());
    }

    @Override
    public Sink<GenericRecord> archive(ArchivedDataset dataset) {
        return ParquetArchive.parquet(config.archive(), dataset);
    }

    @Override
    public ReviewScoring reviewScoring() {
        return ReviewScoring.configured(config);
    }
}
