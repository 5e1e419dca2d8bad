package io.changeviews.job;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.aws.AwsAsyncClients;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.DynamoDbSinks;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.connectors.snapshot.ExportSnapshotSource;
import io.changeviews.connectors.snapshot.ScanOptions;
import io.changeviews.connectors.snapshot.ScanSnapshotSource;
import io.changeviews.connectors.snapshot.SnapshotRecord;
import io.changeviews.connectors.source.ChangeSourceFactory;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.bootstrap.StreamStart;
import io.changeviews.job.bootstrap.TableExport;
import io.changeviews.job.bootstrap.TableStreams;
import io.changeviews.job.common.Uids;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SnapshotSpec;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.sentiment.ReviewScoring;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
 * the tables' Scan or export snapshots, each view's DynamoDB table (written in the configured
 * {@code write.mode}), the dead-letter table, the Parquet archive under {@code archive.path}, the
 * configured sentiment engine.
 */
public class AwsPipelineIo implements PipelineIo {
    private static final Duration SCAN_CALL_TIMEOUT = Duration.ofSeconds(30);
    // The connection cap the scan client has always had (the enrichment's); a reader has one page
    // out at a time.
    private static final int SCAN_MAX_CONNECTIONS = 50;
    private static final Duration EXPORT_POLL = Duration.ofSeconds(10);

    private final JobConfig config;

    /** The export of each table bootstrapped from one, by SQL name; resolved on first need. */
    private Map<String, TableExport> exports;

    public AwsPipelineIo(JobConfig config) {
        this.config = config;
    }

    @Override
    public DataStream<DecodeResult> changes(StreamExecutionEnvironment env) {
        Instant buildTime = Instant.now();
        Map<String, Instant> exportTimes = new HashMap<>();
        exports().forEach((table, e) -> exportTimes.put(table, e.manifest().exportTime()));
        Properties position = StreamStart.overlapping(config, buildTime, exportTimes);
        if (config.sourceType() == JobConfig.SourceType.KINESIS) {
            return env.addSource(ChangeSourceFactory.kinesis(config.stream(), position))
                    .uid(config.sourceUid())
                    .name("Changes from " + config.stream());
        }
        // The earliest snapshot start covers every table's: an export may be older than the build.
        Instant earliestStart =
                exportTimes.values().stream()
                        .filter(buildTime::isAfter)
                        .min(Instant::compareTo)
                        .orElse(buildTime);
        Map<String, String> tableByArn = TableStreams.resolve(config, earliestStart);
        return env.addSource(ChangeSourceFactory.dynamoDbStreams(tableByArn, position))
                .uid(config.sourceUid())
                .name(
                        "Changes from the DynamoDB Streams of "
                                + String.join(", ", tableByArn.values()));
    }

    /**
     * A parallel Scan of the table, with the {@code dynamodb} group's {@code aws.*} settings (the
     * source tables are in the account and region of the view tables), or its export's data files.
     */
    @Override
    public DataStream<SnapshotRecord> snapshot(
            StreamExecutionEnvironment env, SourceTableSpec table, int totalSegments) {
        SnapshotSpec s = table.snapshot();
        String uid = "snapshot-" + Uids.kebab(table.sqlName());
        if (s.kind() == JobConfig.SnapshotKind.EXPORT) {
            TableExport export = exports().get(table.sqlName());
            return env.fromSource(
                            ExportSnapshotSource.of(
                                    export.manifest(),
                                    table.dynamoDbTable(),
                                    export.keyNames(),
                                    s.clockMarginMillis(),
                                    export.property()),
                            WatermarkStrategy.noWatermarks(),
                            "Export of " + table.dynamoDbTable())
                    .uid(uid);
        }
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
                .uid(uid);
    }

    /** An export's segments are its data files. */
    @Override
    public int snapshotSegments(SourceTableSpec table, int parallelism) {
        return table.snapshot().kind() == JobConfig.SnapshotKind.EXPORT
                ? exports().get(table.sqlName()).manifest().dataFiles().size()
                : table.snapshot().totalSegments(parallelism);
    }

    /**
     * The exports, checked (or started and waited for) once, here where the job is built: a bad one
     * fails the start with a {@link io.changeviews.job.config.ConfigException} before anything is
     * written.
     */
    private Map<String, TableExport> exports() {
        if (exports == null) {
            exports = new HashMap<>();
            for (SourceTableSpec t : config.snapshotTables()) {
                if (t.snapshot().kind() == JobConfig.SnapshotKind.EXPORT) {
                    try (DynamoDbAsyncClient ddb = scanClients().create()) {
                        exports.put(t.sqlName(), TableExport.resolve(t, ddb, EXPORT_POLL));
                    }
                }
            }
        }
        return exports;
    }

    /**
     * The DynamoDB client of the snapshot scans (and of the exports' DescribeTable and
     * ExportTableToPointInTime); tests put a faulty one in between.
     */
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
