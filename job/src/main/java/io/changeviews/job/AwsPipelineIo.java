package io.changeviews.job;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.aws.AwsAsyncClients;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.DynamoDbSinks;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.connectors.snapshot.ScanOptions;
import io.changeviews.connectors.snapshot.ScanSnapshotSource;
import io.changeviews.connectors.snapshot.SnapshotRecord;
import io.changeviews.connectors.source.ChangeSourceFactory;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.bootstrap.StreamStart;
import io.changeviews.job.bootstrap.TableStreams;
import io.changeviews.job.common.Uids;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SnapshotSpec;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.sentiment.ReviewScoring;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The configured connectors: the Kinesis source, or the DynamoDB Streams of every declared table
 * (checked at build time, see {@link TableStreams}), started early enough to overlap the snapshots;
 * the tables' Scan snapshots, each view's DynamoDB table (written in the configured {@code
 * write.mode}), the dead-letter table, the Parquet archive under {@code archive.path}, the
 * configured sentiment engine.
 */
public class AwsPipelineIo implements PipelineIo {
    private static final Duration SCAN_CALL_TIMEOUT = Duration.ofSeconds(30);
    // The connection cap the scan client has always had (the enrichment's); a reader has one page
    // out at a time.
    private static final int SCAN_MAX_CONNECTIONS = 50;

    private final JobConfig config;

    public AwsPipelineIo(JobConfig config) {
        this.config = config;
    }

    @Override
    public DataStream<DecodeResult> changes(StreamExecutionEnvironment env) {
        Instant buildTime = Instant.now();
        Properties position = StreamStart.overlapping(config, buildTime);
        if (config.sourceType() == JobConfig.SourceType.KINESIS) {
            return env.addSource(ChangeSourceFactory.kinesis(config.stream(), position))
                    .uid(config.sourceUid())
                    .name("Changes from " + config.stream());
        }
        Map<String, String> tableByArn = TableStreams.resolve(config, buildTime);
        return env.addSource(ChangeSourceFactory.dynamoDbStreams(tableByArn, position))
                .uid(config.sourceUid())
                .name(
                        "Changes from the DynamoDB Streams of "
                                + String.join(", ", tableByArn.values()));
    }

    /**
     * A parallel Scan of the table, with the {@code dynamodb} group's {@code aws.*} settings (the
     * source tables are in the account and region of the view tables).
     */
    @Override
    public DataStream<SnapshotRecord> snapshot(
            StreamExecutionEnvironment env, SourceTableSpec table, int totalSegments) {
        SnapshotSpec s = table.snapshot();
        ScanOptions options =
                new ScanOptions(
                        table.dynamoDbTable(),
                        totalSegments,
                        s.pageSize(),
                        s.consistentRead(),
                        s.readCapacityPerSecond(),
                        s.clockMarginMillis());
        return env.fromSource(
                        new ScanSnapshotSource(options, scanClients()),
                        WatermarkStrategy.noWatermarks(),
                        "Scan of " + table.dynamoDbTable())
                .uid("snapshot-" + Uids.kebab(table.sqlName()));
    }

    /** The DynamoDB client of the snapshot scans; tests put a faulty one in between. */
    protected AsyncClientProvider<DynamoDbAsyncClient> scanClients() {
        return AwsAsyncClients.dynamoDb(
                config.dynamoDbProperties(), SCAN_CALL_TIMEOUT, SCAN_MAX_CONNECTIONS);
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
