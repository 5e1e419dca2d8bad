package io.changeviews.job;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.connectors.snapshot.SnapshotRecord;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.bootstrap.SnapshotProgress;
import io.changeviews.job.bootstrap.SnapshotSplitter;
import io.changeviews.job.common.Uids;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.ingest.ChangeTimeWatermarks;
import io.changeviews.job.ingest.DeadLetterSplitter;
import io.changeviews.job.materialize.ViewKeySelector;
import io.changeviews.job.materialize.WriteCoalescer;
import io.changeviews.job.normalize.ChangelogNormalizer;
import io.changeviews.job.normalize.ImageProjector;
import io.changeviews.job.normalize.ItemChange;
import io.changeviews.job.normalize.ItemKeySerializer;
import io.changeviews.job.normalize.TableTypes;
import io.changeviews.job.sentiment.EnrichedReviewTypes;
import io.changeviews.job.sentiment.ReviewEnrichment;
import io.changeviews.job.sentiment.ReviewScoring;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the whole topology from injected I/O ({@link PipelineIo}): dead-letter split → change-time
 * watermarks → per source table projection and normalization → the two SQL tables per source (and
 * the enriched reviews) → the configured SQL views → per view write coalescing by target key and
 * the view's sink; beside it, the Parquet archive when {@code archive.path} is set. {@code main}
 * and the tests differ only in what they inject.
 */
public final class ChangeViewsPipeline {
    private ChangeViewsPipeline() {}

    private static final Logger LOG = LoggerFactory.getLogger(ChangeViewsPipeline.class);

    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<DeadLetter>("dead-letters") {};

    private static final OutputTag<SnapshotRecord> SEGMENTS_DONE =
            new OutputTag<SnapshotRecord>("snapshot-segments-done") {};

    /**
     * How long SQL's mini-batches wait: a tenth of the flush interval, so that with the
     * normalizer's bundles (half as long), the coalescer's wait (to the end of the interval), the
     * sink's buffer and Kinesis polling a change reaches its view's table within 1.5 s at the
     * default 1 s interval; the coalescer, not SQL, keeps the writes to one per key per interval.
     * At high rates the batches end at their size anyway.
     */
    public static long miniBatchLatencyMs(JobConfig config) {
        return Math.max(1, config.flushInterval().toMillis() / 10);
    }

    /**
     * The most rows a mini-batch (SQL's, and the normalizer's bundle) holds per operator instance
     * before it ends early.
     */
    static final int MINI_BATCH_SIZE = 5000;

    /** Sets the SQL options the views rely on: UTC for time functions, mini-batch coalescing. */
    private static void configureSql(StreamTableEnvironment tEnv, JobConfig config) {
        tEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        tEnv.getConfig().set("table.exec.mini-batch.enabled", "true");
        tEnv.getConfig()
                .set("table.exec.mini-batch.allow-latency", miniBatchLatencyMs(config) + " ms");
        tEnv.getConfig().set("table.exec.mini-batch.size", String.valueOf(MINI_BATCH_SIZE));
    }

    /**
     * What a view is materialized as: its target table, its columns and the DynamoDB types ({@code
     * S} or {@code N}) of its key.
     */
    public static final class MaterializedView {
        public final ViewSpec spec;
        public final List<String> columns;
        public final List<String> keyTypes;

        MaterializedView(ViewSpec spec, List<String> columns, List<String> keyTypes) {
            this.spec = spec;
            this.columns = columns;
            this.keyTypes = keyTypes;
        }
    }

    /**
     * Adds the whole pipeline to {@code env}, reading and writing through {@code io}; returns what
     * each view is materialized as.
     */
    public static List<MaterializedView> build(
            StreamExecutionEnvironment env, JobConfig config, PipelineIo io) {
        // Chained operators hand records on without a copy: every operator here emits a fresh or
        // immutable record and keeps none it was handed, and SQL's own operators copy what they
        // buffer; copies were a fifth of the compute path's CPU.
        env.getConfig().enableObjectReuse();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<DecodeResult> records = io.changes(env);
        Bootstrap bootstrap = bootstrap(env, config, io, records);
        DataStream<DeadLetter> deadLetters =
                registerSourceTables(
                        tEnv,
                        config,
                        bootstrap.changesAndItems,
                        config.sentiment() == null ? null : io.reviewScoring());
        if (config.archive().enabled()) {
            ParquetArchive.changes(config, records, io::archive);
            if (bootstrap.items != null) {
                ParquetArchive.snapshots(config, bootstrap.items, records, io::archive);
            }
            if (config.sentiment() != null) {
                SourceTableSpec reviews = config.sentiment().table();
                String enriched = reviews.sqlName() + EnrichedReviewTypes.ENRICHED_SUFFIX;
                ParquetArchive.rows(
                        config.archive(),
                        enriched,
                        reviews.dynamoDbTable(),
                        tEnv.toDataStream(tEnv.from(enriched + SourceTableSpec.CHANGES_SUFFIX)),
                        io::archive);
            }
        }
        List<MaterializedView> out = new ArrayList<>();
        for (ViewResult view : createViews(tEnv, config)) {
            deadLetters = deadLetters.union(materialize(tEnv, config, view, io, bootstrap, out));
        }
        deadLetters
                .sinkTo(io.deadLetters())
                .uid("dead-letter-sink")
                .name("Dead letters → DynamoDB");
        return out;
    }

    /** The changes with every snapshot's items joined in, and when each snapshot is done. */
    private static final class Bootstrap {
        final DataStream<DecodeResult> changesAndItems;

        /** Every snapshot's items, for the archive; null without snapshots. */
        final DataStream<DecodeResult> items;

        /** Each bootstrapped table's name once its snapshot is done; null without snapshots. */
        final DataStream<String> tablesDone;

        final Set<String> tables;

        Bootstrap(
                DataStream<DecodeResult> changesAndItems,
                DataStream<DecodeResult> items,
                DataStream<String> tablesDone,
                Set<String> tables) {
            this.changesAndItems = changesAndItems;
            this.items = items;
            this.tablesDone = tablesDone;
            this.tables = tables;
        }
    }

    /**
     * Joins each snapshotted table's items into the change stream before anything else sees it, so
     * that a snapshot item enters the normalizer as a change of its item (the archive's {@code
     * changes} get the stream's changes only, its {@code snapshots} the items); the segments' done
     * records go to one {@link SnapshotProgress}.
     */
    private static Bootstrap bootstrap(
            StreamExecutionEnvironment env,
            JobConfig config,
            PipelineIo io,
            DataStream<DecodeResult> changes) {
        Map<String, Integer> segments = new TreeMap<>();
        DataStream<DecodeResult> joined = changes;
        DataStream<DecodeResult> allItems = null;
        DataStream<SnapshotRecord> segmentsDone = null;
        for (SourceTableSpec table : config.snapshotTables()) {
            int total = io.snapshotSegments(table, env.getParallelism());
            segments.put(table.dynamoDbTable(), total);
            SingleOutputStreamOperator<DecodeResult> items =
                    io.snapshot(env, table, total)
                            .process(
                                    new SnapshotSplitter(SEGMENTS_DONE),
                                    TypeInformation.of(DecodeResult.class))
                            .uid("snapshot-items-" + Uids.kebab(table.sqlName()))
                            .name("Items of the snapshot of " + table.sqlName());
            joined = joined.union(items);
            allItems = allItems == null ? items : allItems.union(items);
            DataStream<SnapshotRecord> done = items.getSideOutput(SEGMENTS_DONE);
            segmentsDone = segmentsDone == null ? done : segmentsDone.union(done);
        }
        if (segmentsDone == null) {
            return new Bootstrap(changes, null, null, Set.of());
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            LOG.warn(
                    "Tables {} are snapshotted but checkpointing is off: views are written only"
                            + " after the first checkpoint following the snapshots, so never"
                            + " unless the input ends",
                    segments.keySet());
        }
        DataStream<String> tablesDone =
                segmentsDone
                        .process(new SnapshotProgress(segments), Types.STRING)
                        .setParallelism(1)
                        .setMaxParallelism(1)
                        .uid("snapshot-progress")
                        .name("Snapshot progress");
        return new Bootstrap(joined, allItems, tablesDone, segments.keySet());
    }

    /**
     * Registers the two SQL tables of every source table ({@code <name>} and {@code
     * <name>_changes}) fed from {@code records}, and the enriched reviews scored by {@code scoring}
     * when sentiment is configured; returns the dead letters found on the way.
     */
    public static DataStream<DeadLetter> registerSourceTables(
            StreamTableEnvironment tEnv,
            JobConfig config,
            DataStream<DecodeResult> records,
            ReviewScoring scoring) {
        configureSql(tEnv, config);
        Set<String> followed = new HashSet<>();
        config.tables().forEach(t -> followed.add(t.dynamoDbTable()));

        SingleOutputStreamOperator<ChangeEvent> decoded =
                records.process(
                                new DeadLetterSplitter(
                                        DEAD_LETTERS, followed, config.otherTables()))
                        .uid("split-dead-letters")
                        .name("Split dead letters");
        DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DEAD_LETTERS);

        DataStream<ChangeEvent> timed =
                decoded.assignTimestampsAndWatermarks(
                                ChangeTimeWatermarks.strategy(
                                        config.outOfOrderness(), config.idleTimeout()))
                        .uid("change-time-watermarks")
                        .name("Change-time watermarks");

        for (SourceTableSpec table : config.tables()) {
            deadLetters =
                    deadLetters.union(registerSourceTable(tEnv, config, table, timed, scoring));
        }
        return deadLetters;
    }

    private static DataStream<DeadLetter> registerSourceTable(
            StreamTableEnvironment tEnv,
            JobConfig config,
            SourceTableSpec table,
            DataStream<ChangeEvent> events,
            ReviewScoring scoring) {
        String id = Uids.kebab(table.sqlName());
        boolean changesRead = readsChanges(config, table);
        boolean scored =
                config.sentiment() != null
                        && config.sentiment().table().sqlName().equals(table.sqlName());
        TypeInformation<Row> imageType = TableTypes.typeInfo(TableTypes.image(table));
        SingleOutputStreamOperator<ItemChange> projected =
                events.filter(e -> e.tableName().equals(table.dynamoDbTable()))
                        .name("Only " + table.dynamoDbTable())
                        .process(
                                new ImageProjector(table, DEAD_LETTERS, changesRead),
                                ItemChange.typeInfo(imageType))
                        .uid("project-" + id)
                        .name("Project " + table.sqlName());
        OutputTag<Row> changesTag =
                new OutputTag<>("changes-" + id, TableTypes.typeInfo(TableTypes.changes(table)));
        SingleOutputStreamOperator<Row> state =
                projected
                        .keyBy(c -> c.itemKey, ItemKeySerializer.TYPE)
                        .transform(
                                "Normalize " + table.sqlName(),
                                TableTypes.typeInfo(TableTypes.state(table)),
                                new ChangelogNormalizer(
                                        table,
                                        changesTag,
                                        config.dedupeRetention(),
                                        config.tombstoneRetention(),
                                        config.ttlDeletesRetract(),
                                        changesRead,
                                        Duration.ofMillis(
                                                Math.max(1, miniBatchLatencyMs(config) / 2)),
                                        // Reviews one by one: which versions a bundle folds
                                        // depends on timing, and a replay that saw other
                                        // versions would score (and pay for) texts again.
                                        scored ? 1 : MINI_BATCH_SIZE))
                        .uid("normalize-" + id);
        tEnv.createTemporaryView(
                table.sqlName(),
                tEnv.fromChangelogStream(
                        state,
                        Schema.newBuilder().fromRowDataType(TableTypes.state(table)).build(),
                        ChangelogMode.all()));
        tEnv.createTemporaryView(
                table.changesSqlName(),
                tEnv.fromDataStream(
                        state.getSideOutput(changesTag), TableTypes.changesSchema(table)));
        if (scored) {
            ReviewEnrichment.register(tEnv, config, state, scoring);
        }
        return projected.getSideOutput(DEAD_LETTERS);
    }

    /**
     * Whether a view may read the table's changes: its SQL name appears in a view's SQL (a view
     * reading another view that reads it names it too). A textual test errs only towards yes; the
     * answer decides whether the normalizer keeps every event id for the changes table.
     */
    static boolean readsChanges(JobConfig config, SourceTableSpec table) {
        String name = table.changesSqlName().toLowerCase(Locale.ROOT);
        return config.views().stream()
                .anyMatch(v -> v.sql().toLowerCase(Locale.ROOT).contains(name));
    }

    /** A view's planned table. */
    private static final class ViewResult {
        final ViewSpec spec;
        final Table table;

        ViewResult(ViewSpec spec, Table table) {
            this.spec = spec;
            this.table = table;
        }
    }

    /**
     * Plans every view and registers it under its name, so views may read each other; views are
     * retried until those they read exist, whatever order the configuration lists them in.
     */
    private static List<ViewResult> createViews(StreamTableEnvironment tEnv, JobConfig config) {
        List<ViewResult> done = new ArrayList<>();
        List<ViewSpec> pending = new ArrayList<>(config.views());
        while (!pending.isEmpty()) {
            ValidationException lastError = null;
            ViewSpec lastFailed = null;
            boolean progress = false;
            for (Iterator<ViewSpec> it = pending.iterator(); it.hasNext(); ) {
                ViewSpec view = it.next();
                try {
                    Table table = tEnv.sqlQuery(view.sql());
                    tEnv.createTemporaryView(view.name(), table);
                    done.add(new ViewResult(view, table));
                    it.remove();
                    progress = true;
                } catch (ValidationException e) {
                    lastError = e;
                    lastFailed = view;
                }
            }
            if (!progress) {
                throw new ConfigException(
                        JobConfig.VIEW_PREFIX + lastFailed.name(),
                        JobConfig.VIEW_SQL,
                        "invalid SQL: " + rootMessage(lastError));
            }
        }
        return done;
    }

    private static DataStream<DeadLetter> materialize(
            StreamTableEnvironment tEnv,
            JobConfig config,
            ViewResult view,
            PipelineIo io,
            Bootstrap bootstrap,
            List<MaterializedView> out) {
        ViewSpec spec = view.spec;
        List<String> columns = view.table.getResolvedSchema().getColumnNames();
        List<String> keyTypes = new ArrayList<>();
        for (String key : spec.targetKey()) {
            int pos = columns.indexOf(key);
            if (pos < 0) {
                throw new ConfigException(
                        JobConfig.VIEW_PREFIX + spec.name(),
                        JobConfig.VIEW_TARGET_KEY,
                        "key " + key + " is not a column of the view " + columns);
            }
            LogicalType type =
                    view.table.getResolvedSchema().getColumnDataTypes().get(pos).getLogicalType();
            switch (type.getTypeRoot()) {
                case CHAR:
                case VARCHAR:
                    keyTypes.add("S");
                    break;
                case TINYINT:
                case SMALLINT:
                case INTEGER:
                case BIGINT:
                case DECIMAL:
                    keyTypes.add("N");
                    break;
                default:
                    throw new ConfigException(
                            JobConfig.VIEW_PREFIX + spec.name(),
                            JobConfig.VIEW_TARGET_KEY,
                            "key "
                                    + key
                                    + " has type "
                                    + type
                                    + "; a DynamoDB key must be a string or a number");
            }
        }
        out.add(new MaterializedView(spec, columns, keyTypes));
        String id = Uids.kebab(spec.name());
        RowItemConverter converter = new RowItemConverter(columns, spec.targetKey());
        // An upsert changelog: the planner then leaves out the −U of an update wherever the plan
        // allows (a plain GROUP BY), which halves the rows the aggregate emits and sends on to the
        // coalescer; where a filter after an aggregate needs them (HAVING) it still emits them,
        // and the coalescer takes a −U for a delete either way.
        DataStream<Row> sqlOutput =
                tEnv.toChangelogStream(view.table, Schema.derived(), ChangelogMode.upsert());
        // SQL hands its rows out typed by the planner's external type, whose serializer turns each
        // row into a binary row and back on the hop to the coalescer and in its state; a row type
        // of Flink's own fields carries the same values without that. Chained: no reordering.
        DataStream<Row> changelog =
                sqlOutput
                        .map(
                                row -> row,
                                TableTypes.viewRows(
                                        view.table.getResolvedSchema().toPhysicalRowDataType()))
                        .setParallelism(sqlOutput.getParallelism())
                        .name("Rows of " + spec.name());
        // Keyed straight off the SQL output: a rebalance in between would reorder a key's changes.
        KeyedStream<Row, String> byKey = changelog.keyBy(new ViewKeySelector(converter));
        // Every view waits for every snapshot: simpler than finding the tables its plan reads,
        // and the snapshots all start together.
        WriteCoalescer coalescer =
                new WriteCoalescer(
                        spec.name(),
                        converter,
                        changelog.getType(),
                        config.flushInterval(),
                        DEAD_LETTERS,
                        bootstrap.tables);
        String name = "Coalesce writes of " + spec.name();
        SingleOutputStreamOperator<Row> coalesced =
                (bootstrap.tablesDone == null
                                ? byKey.transform(name, changelog.getType(), coalescer)
                                : byKey.connect(bootstrap.tablesDone.broadcast())
                                        .transform(name, changelog.getType(), coalescer))
                        .uid("coalesce-" + id);
        coalesced
                .sinkTo(io.view(spec, converter))
                .uid("sink-" + id)
                .name(spec.name() + " → DynamoDB " + spec.targetTable());
        return coalesced.getSideOutput(DEAD_LETTERS);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
