package io.changeviews.job.archive;

import io.changeviews.connectors.archive.AvroRowSchema;
import io.changeviews.connectors.archive.HivePartitionAssigner;
import io.changeviews.connectors.archive.ParquetDatasetSink;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.job.common.Uids;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.normalize.TableTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.operators.SimpleUdfStreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.utils.TypeConversions;
import org.apache.flink.types.Row;
import org.apache.flink.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the Parquet archive into a job: the {@value #CHANGES} dataset of every change event, the
 * {@value #SNAPSHOTS} dataset of every snapshot item, and any append-only stream of rows as a
 * dataset of its own, each through a FileSink into {@code <archive
 * path>/<dataset>/table=…/dt=…/hr=…/} ({@code table=…/snapshot=…/} for the snapshots). Does nothing
 * when the archive is off.
 */
public final class ParquetArchive {
    /** The archive of every change event. */
    public static final String CHANGES = "changes";

    /** The archive of every snapshot item, by table and snapshot. */
    public static final String SNAPSHOTS = "snapshots";

    /** The field every dataset is partitioned by (UTC date and hour). */
    public static final String CHANGE_TIME = SourceTableSpec.CHANGE_TIME;

    private static final Logger LOG = LoggerFactory.getLogger(ParquetArchive.class);

    private ParquetArchive() {}

    /**
     * Archives every change event of the followed tables (as delivered: a redelivered change keeps
     * its {@code event_id}).
     */
    public static void changes(
            JobConfig config, DataStream<DecodeResult> records, ArchiveSinks sinks) {
        ArchiveConfig archive = config.archive();
        if (!archive.enabled()) {
            return;
        }
        ChangeRows rows = new ChangeRows(config.tables());
        List<String> tables =
                config.tables().stream()
                        .map(SourceTableSpec::dynamoDbTable)
                        .collect(Collectors.toList());
        ArchivedDataset dataset =
                new ArchivedDataset(
                        CHANGES,
                        rows.rowType(),
                        tables,
                        ArchivedDataset.Partitioning.HOURLY,
                        archive.path());
        add(records, dataset, rows, sinks);
    }

    /**
     * Archives the items of the tables' snapshots (from whatever source read them), each once,
     * under {@code table=<table>/snapshot=<the snapshot's start>}; the start is the time of this
     * call on a fresh start, and kept in state across restores ({@link SnapshotStarts}); {@code
     * records} are the change records, of which none is read.
     */
    public static void snapshots(
            JobConfig config,
            DataStream<DecodeResult> items,
            DataStream<DecodeResult> records,
            ArchiveSinks sinks) {
        if (!config.archive().enabled()) {
            return;
        }
        SnapshotRows rows = new SnapshotRows(config.tables());
        ArchivedDataset dataset = snapshotsDataset(config);
        Set<String> snapshotTables =
                config.snapshotTables().stream()
                        .map(SourceTableSpec::dynamoDbTable)
                        .collect(Collectors.toSet());
        String id = "archive-" + Uids.kebab(SNAPSHOTS);
        DataStream<Row> started =
                items.connect(SnapshotStarts.neverEnding(records))
                        .flatMap(new SnapshotStarts(rows, snapshotTables, Instant.now()))
                        .returns(
                                TableTypes.typeInfo(
                                        TypeConversions.fromLogicalToDataType(rows.rowType())))
                        .uid(id + "-starts")
                        .name("Snapshot starts");
        add(started, dataset, (SerializableFunction<Row, Row>) row -> row, sinks);
    }

    /**
     * The {@value #SNAPSHOTS} dataset of the job configured by {@code config}, whether or not a
     * table is snapshotted now (a snapshot of an earlier fresh start may be in the archive).
     */
    public static ArchivedDataset snapshotsDataset(JobConfig config) {
        return new ArchivedDataset(
                SNAPSHOTS,
                new SnapshotRows(config.tables()).rowType(),
                config.tables().stream()
                        .map(SourceTableSpec::dynamoDbTable)
                        .collect(Collectors.toList()),
                ArchivedDataset.Partitioning.SNAPSHOT,
                config.archive().path());
    }

    /**
     * Archives an append-only stream of rows with named fields (a SQL row type or a {@code
     * RowTypeInfo}) as dataset {@code name}, under partitions {@code table=<table>/dt=/hr=} of the
     * rows' {@value #CHANGE_TIME} field, which must be a timestamp.
     */
    public static void rows(
            ArchiveConfig archive,
            String name,
            String table,
            DataStream<Row> rows,
            ArchiveSinks sinks) {
        if (!archive.enabled()) {
            return;
        }
        RowType rowType = AvroRowSchema.rowType(rows.getType());
        ArchivedDataset dataset =
                new ArchivedDataset(
                        name,
                        rowType,
                        List.of(table),
                        ArchivedDataset.Partitioning.HOURLY,
                        archive.path());
        add(rows, dataset, (SerializableFunction<Row, Row>) row -> row, sinks);
    }

    private static <T> void add(
            DataStream<T> input,
            ArchivedDataset dataset,
            SerializableFunction<T, Row> toRow,
            ArchiveSinks sinks) {
        String id = "archive-" + Uids.kebab(dataset.name());
        input.flatMap(new ArchiveRecords<>(dataset, toRow))
                .returns(new GenericRecordAvroTypeInfo(dataset.avroSchema()))
                .uid(id + "-records")
                .name("Archive records: " + dataset.name())
                .sinkTo(sinks.sink(dataset))
                .uid(id)
                .name("Parquet " + dataset.name());
    }

    /**
     * The dataset's Parquet FileSink under {@code archive.path}, partitioned {@code table=/dt=/hr=}
     * by the change time, and by each record's table when the dataset holds several; the snapshots
     * {@code table=/snapshot=} by each record's table and snapshot start.
     */
    public static Sink<GenericRecord> parquet(ArchiveConfig archive, ArchivedDataset dataset) {
        configureS3(archive);
        Schema schema = dataset.avroSchema();
        BucketAssigner<GenericRecord, String> partitions;
        if (dataset.partitioning() == ArchivedDataset.Partitioning.SNAPSHOT) {
            partitions =
                    HivePartitionAssigner.bySnapshot(
                            ChangeRows.TABLE_NAME, SnapshotRows.SNAPSHOT_START, schema);
        } else if (dataset.tables().size() == 1) {
            partitions =
                    HivePartitionAssigner.forTable(dataset.tables().get(0), CHANGE_TIME, schema);
        } else {
            partitions =
                    HivePartitionAssigner.byTableField(ChangeRows.TABLE_NAME, CHANGE_TIME, schema);
        }
        return ParquetDatasetSink.create(
                archive.path(),
                dataset.name(),
                schema,
                partitions,
                archive.partMaxBytes(),
                archive.compactionCheckpoints());
    }

    /**
     * The archived datasets of the job built into {@code env}, in the order they were added; ask
     * before executing it, which clears the job.
     */
    public static List<ArchivedDataset> datasets(StreamExecutionEnvironment env) {
        List<ArchivedDataset> out = new ArrayList<>();
        for (Transformation<?> t : env.getTransformations()) {
            if (t instanceof OneInputTransformation
                    && ((OneInputTransformation<?, ?>) t).getOperatorFactory()
                            instanceof SimpleUdfStreamOperatorFactory) {
                Function f =
                        ((SimpleUdfStreamOperatorFactory<?>)
                                        ((OneInputTransformation<?, ?>) t).getOperatorFactory())
                                .getUserFunction();
                if (f instanceof ArchiveRecords) {
                    out.add(((ArchiveRecords<?>) f).dataset());
                }
            }
        }
        return out;
    }

    /**
     * The archived datasets of the job built from {@code config} into {@code env}, and the {@value
     * #SNAPSHOTS} dataset if the job has no snapshot to archive now; what the DDL and query
     * commands show.
     */
    public static List<ArchivedDataset> datasets(StreamExecutionEnvironment env, JobConfig config) {
        List<ArchivedDataset> out = datasets(env);
        if (config.archive().enabled() && out.stream().noneMatch(d -> d.name().equals(SNAPSHOTS))) {
            out.add(snapshotsDataset(config));
        }
        return out;
    }

    /**
     * Hands a configured S3 endpoint and credentials to Flink's S3 filesystem. Flink reads {@code
     * s3.*} options when its filesystems are initialized, so they only reach the S3 filesystem of
     * this JVM: a MiniCluster's (local runs, tests). On a Flink cluster they belong in its Flink
     * configuration, and on MSF they stay unset (the role's credentials are used).
     */
    private static void configureS3(ArchiveConfig archive) {
        Map<String, String> options = archive.flinkS3Options();
        if (options.isEmpty()) {
            return;
        }
        Configuration conf = GlobalConfiguration.loadConfiguration();
        options.forEach(conf::setString);
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
        LOG.info("S3 filesystem configured for the {}", archive);
    }
}
