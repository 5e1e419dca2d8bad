package io.changeviews.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;

/**
 * The job's whole configuration, read from property groups (MSF's runtime properties, or the same
 * groups from {@code kda-app.json} locally) and validated at start-up.
 *
 * <p>Groups and keys:
 *
 * <ul>
 *   <li>{@value #SOURCE}: {@value #SOURCE_TYPE} ({@code kinesis} | {@code dynamodb-streams}: the
 *       stream of every declared table), {@value #STREAM_NAME} (Kinesis), {@value
 *       #INITIAL_POSITION} ({@code TRIM_HORIZON} | {@code LATEST} | {@code AT_TIMESTAMP}), {@value
 *       #INITIAL_TIMESTAMP} (ISO-8601), {@value #SOURCE_UID} (the source operator's uid: a new one
 *       re-reads the stream while other state is kept), {@value #OTHER_TABLES} ({@code dead-letter}
 *       | {@code skip}), and {@code aws.*} / {@code flink.*} connector settings passed through
 *       (region, endpoint, credentials provider).
 *   <li>{@value #DYNAMODB}: {@code aws.*} settings of the sink, {@value #FLUSH_INTERVAL_MS},
 *       {@value #DEAD_LETTER_TABLE}, {@value #WRITE_MODE} ({@code immediate} | {@code
 *       on-checkpoint}), {@value #WRITE_MAX_IN_FLIGHT}.
 *   <li>{@value #PIPELINE}: {@value #OUT_OF_ORDERNESS_MS}, {@value #IDLE_TIMEOUT_MS}, {@value
 *       #DEDUPE_RETENTION_MS}, {@value #TOMBSTONE_RETENTION_MS}, {@value #TTL_DELETES_RETRACT}.
 *   <li>{@code table.<SqlName>}: {@value #TABLE_DYNAMODB_NAME} (defaults to the SQL name), one
 *       {@code column.<name> = <SQL type> [FROM <attribute path>]} per column, {@value
 *       #TABLE_STREAM_ARN} (DynamoDB Streams; defaults to the table's latest stream), and the
 *       bootstrap: {@value #TABLE_SNAPSHOT} ({@code none} | {@code scan} | {@code export}), {@value
 *       #SNAPSHOT_CLOCK_MARGIN_MS}; for {@code scan} {@value #SNAPSHOT_TOTAL_SEGMENTS}, {@value
 *       #SNAPSHOT_PAGE_SIZE}, {@value #SNAPSHOT_CONSISTENT_READ}, {@value
 *       #SNAPSHOT_RCU_PER_SECOND}; for {@code export} {@value #SNAPSHOT_EXPORT_LOCATION} or {@value
 *       #SNAPSHOT_EXPORT_TO} with {@value #SNAPSHOT_EXPORT_TIMEOUT_MS}.
 *   <li>{@value SentimentConfig#SENTIMENT}: see {@link SentimentConfig}.
 *   <li>{@code view.<name>}: {@value #VIEW_SQL}, {@value #VIEW_TARGET_TABLE}, {@value
 *       #VIEW_TARGET_KEY} (comma-separated, partition key first).
 *   <li>{@value ArchiveConfig#GROUP}: the Parquet archive, see {@link ArchiveConfig}.
 * </ul>
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String SOURCE = "source";
    public static final String SOURCE_TYPE = "type";
    public static final String STREAM_NAME = "stream.name";
    public static final String INITIAL_POSITION = "initial.position";
    public static final String INITIAL_TIMESTAMP = "initial.timestamp";
    public static final String SOURCE_UID = "uid";

    /**
     * What becomes of a change of a table no {@code table.*} group declares: {@code dead-letter}
     * (the default: a stream meant for the declared tables carries nothing else) or {@code skip}
     * (counted only, for a stream that KDS for DynamoDB fills from more tables than the job
     * follows).
     */
    public static final String OTHER_TABLES = "other-tables";

    public static final String DYNAMODB = "dynamodb";
    public static final String FLUSH_INTERVAL_MS = "flush.interval.ms";
    public static final String DEAD_LETTER_TABLE = "dead-letter.table";

    /**
     * {@code immediate} (written as rows arrive) or {@code on-checkpoint} (written once their
     * checkpoint completed).
     */
    public static final String WRITE_MODE = "write.mode";

    /**
     * BatchWriteItem requests a view writer may have in flight (1–{@value #MAX_WRITE_IN_FLIGHT}).
     */
    public static final String WRITE_MAX_IN_FLIGHT = "write.max-in-flight";

    public static final int MAX_WRITE_IN_FLIGHT = 256;

    public static final String PIPELINE = "pipeline";
    public static final String OUT_OF_ORDERNESS_MS = "watermark.out-of-orderness.ms";
    public static final String IDLE_TIMEOUT_MS = "source.idle-timeout.ms";
    public static final String DEDUPE_RETENTION_MS = "dedupe.retention.ms";
    public static final String TOMBSTONE_RETENTION_MS = "tombstone.retention.ms";
    public static final String TTL_DELETES_RETRACT = "ttl-deletes.retract";

    public static final String TABLE_PREFIX = "table.";
    public static final String TABLE_DYNAMODB_NAME = "dynamodb.table";

    /**
     * The table's DynamoDB Stream ARN ({@code source.type = dynamodb-streams}); without it, the
     * table's latest stream, looked up at start.
     */
    public static final String TABLE_STREAM_ARN = "stream.arn";

    public static final String COLUMN_PREFIX = "column.";
    public static final String TABLE_SNAPSHOT = "snapshot";
    public static final String SNAPSHOT_TOTAL_SEGMENTS = "snapshot.total-segments";
    public static final String SNAPSHOT_PAGE_SIZE = "snapshot.page-size";
    public static final String SNAPSHOT_CONSISTENT_READ = "snapshot.consistent-read";
    public static final String SNAPSHOT_RCU_PER_SECOND = "snapshot.rcu-per-second";
    public static final String SNAPSHOT_CLOCK_MARGIN_MS = "snapshot.clock-margin.ms";

    /** The folder of a DynamoDB export to read: {@code s3://bucket/prefix/AWSDynamoDB/<id>/}. */
    public static final String SNAPSHOT_EXPORT_LOCATION = "snapshot.export.location";

    /** {@code s3://bucket[/prefix]}: export the table there when the job is built, then read it. */
    public static final String SNAPSHOT_EXPORT_TO = "snapshot.export.to";

    /** How long the job's start waits for the export it started. */
    public static final String SNAPSHOT_EXPORT_TIMEOUT_MS = "snapshot.export.timeout.ms";

    private static final Set<String> SCAN_KEYS =
            Set.of(
                    SNAPSHOT_TOTAL_SEGMENTS,
                    SNAPSHOT_PAGE_SIZE,
                    SNAPSHOT_CONSISTENT_READ,
                    SNAPSHOT_RCU_PER_SECOND);
    private static final Set<String> EXPORT_KEYS =
            Set.of(SNAPSHOT_EXPORT_LOCATION, SNAPSHOT_EXPORT_TO, SNAPSHOT_EXPORT_TIMEOUT_MS);

    /** How a table is bootstrapped on a fresh start. */
    public enum SnapshotKind {
        /** Not at all: the views count what the stream still holds. */
        NONE,
        /** A parallel Scan of the live table. */
        SCAN,
        /** A DynamoDB export of the table to S3 ({@code DYNAMODB_JSON}). */
        EXPORT
    }

    public static final String VIEW_PREFIX = "view.";
    public static final String VIEW_SQL = "sql";
    public static final String VIEW_TARGET_TABLE = "target.table";
    public static final String VIEW_TARGET_KEY = "target.key";

    /**
     * The keys of the fixed groups (besides the {@code aws.*} and {@code flink.*} connector
     * settings).
     */
    public static final Map<String, Set<String>> GROUP_KEYS =
            Map.of(
                    SOURCE,
                    Set.of(
                            SOURCE_TYPE,
                            STREAM_NAME,
                            INITIAL_POSITION,
                            INITIAL_TIMESTAMP,
                            SOURCE_UID,
                            OTHER_TABLES),
                    DYNAMODB,
                    Set.of(FLUSH_INTERVAL_MS, DEAD_LETTER_TABLE, WRITE_MODE, WRITE_MAX_IN_FLIGHT),
                    PIPELINE,
                    Set.of(
                            OUT_OF_ORDERNESS_MS,
                            IDLE_TIMEOUT_MS,
                            DEDUPE_RETENTION_MS,
                            TOMBSTONE_RETENTION_MS,
                            TTL_DELETES_RETRACT),
                    SentimentConfig.SENTIMENT,
                    SentimentConfig.KEYS);

    /** Where the change records come from. */
    public enum SourceType {
        KINESIS,
        DYNAMODB_STREAMS
    }

    /** When a view's rows are written to DynamoDB. */
    public enum WriteMode {
        /**
         * As soon as they arrive; after a restore a key can briefly show an older value until the
         * replay catches up.
         */
        IMMEDIATE,
        /**
         * Once the checkpoint that covers them has completed; no key ever shows an older value than
         * before.
         */
        ON_CHECKPOINT
    }

    /** What becomes of a change of an undeclared table. */
    public enum OtherTables {
        DEAD_LETTER,
        SKIP
    }

    /** Where a fresh start (no restored state) begins reading. */
    public enum InitialPosition {
        TRIM_HORIZON,
        LATEST,
        AT_TIMESTAMP
    }

    private final SourceType sourceType;
    private final String stream;
    private final String sourceUid;
    private final OtherTables otherTables;
    private final Properties sourceProperties;
    private final Properties dynamoDbProperties;
    private final Duration flushInterval;
    private final String deadLetterTable;
    private final WriteMode writeMode;
    private final int writeMaxInFlight;
    private final Duration outOfOrderness;
    private final Duration idleTimeout;
    private final Duration dedupeRetention;
    private final Duration tombstoneRetention;
    private final boolean ttlDeletesRetract;
    private final List<SourceTableSpec> tables;
    private final List<ViewSpec> views;
    private final SentimentConfig sentiment;
    private final ArchiveConfig archive;

    private JobConfig(Map<String, Properties> groups) {
        PropertyGroup source = new PropertyGroup(SOURCE, groups.get(SOURCE));
        source.rejectUnknown(GROUP_KEYS.get(SOURCE), "aws.", "flink.");
        this.sourceType = source.oneOf(SOURCE_TYPE, SourceType.class, SourceType.KINESIS);
        this.stream = sourceType == SourceType.KINESIS ? source.required(STREAM_NAME) : null;
        this.sourceUid = source.optional(SOURCE_UID, "change-source");
        if (!sourceUid.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new ConfigException(
                    SOURCE,
                    SOURCE_UID,
                    "must be kebab-case, e.g. change-source-2, got '" + sourceUid + "'");
        }
        this.otherTables = source.oneOf(OTHER_TABLES, OtherTables.class, OtherTables.DEAD_LETTER);
        this.sourceProperties = connectorProperties(source);
        InitialPosition position =
                source.oneOf(INITIAL_POSITION, InitialPosition.class, InitialPosition.TRIM_HORIZON);
        sourceProperties.setProperty(
                ConsumerConfigConstants.STREAM_INITIAL_POSITION, position.name());
        if (position == InitialPosition.AT_TIMESTAMP && sourceType == SourceType.DYNAMODB_STREAMS) {
            throw new ConfigException(
                    SOURCE,
                    INITIAL_POSITION,
                    "DynamoDB Streams cannot be read from a timestamp: TRIM_HORIZON or LATEST");
        }
        if (position == InitialPosition.AT_TIMESTAMP) {
            String ts = source.required(INITIAL_TIMESTAMP);
            try {
                double seconds = Instant.parse(ts).toEpochMilli() / 1000.0;
                sourceProperties.setProperty(
                        ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP, Double.toString(seconds));
            } catch (DateTimeParseException e) {
                throw new ConfigException(
                        SOURCE,
                        INITIAL_TIMESTAMP,
                        "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z, got '"
                                + ts
                                + "'");
            }
        }

        PropertyGroup ddb = new PropertyGroup(DYNAMODB, groups.get(DYNAMODB));
        ddb.rejectUnknown(GROUP_KEYS.get(DYNAMODB), "aws.");
        this.dynamoDbProperties = connectorProperties(ddb);
        this.flushInterval = Duration.ofMillis(ddb.positiveMillis(FLUSH_INTERVAL_MS, 1000));
        this.deadLetterTable = ddb.optional(DEAD_LETTER_TABLE, "changeviews_dead_letters");
        this.writeMode = ddb.oneOf(WRITE_MODE, WriteMode.class, WriteMode.IMMEDIATE);
        this.writeMaxInFlight =
                (int) ddb.wholeNumber(WRITE_MAX_IN_FLIGHT, 16, 1, MAX_WRITE_IN_FLIGHT);

        PropertyGroup pipeline = new PropertyGroup(PIPELINE, groups.get(PIPELINE));
        pipeline.rejectUnknown(GROUP_KEYS.get(PIPELINE));
        this.outOfOrderness =
                Duration.ofMillis(pipeline.positiveMillis(OUT_OF_ORDERNESS_MS, 5_000));
        this.idleTimeout = Duration.ofMillis(pipeline.positiveMillis(IDLE_TIMEOUT_MS, 30_000));
        this.dedupeRetention =
                Duration.ofMillis(
                        pipeline.positiveMillis(
                                DEDUPE_RETENTION_MS, Duration.ofHours(1).toMillis()));
        this.tombstoneRetention =
                Duration.ofMillis(
                        pipeline.positiveMillis(
                                TOMBSTONE_RETENTION_MS, Duration.ofHours(24).toMillis()));
        this.ttlDeletesRetract = pipeline.bool(TTL_DELETES_RETRACT, true);

        List<SourceTableSpec> tableSpecs = new ArrayList<>();
        List<ViewSpec> viewSpecs = new ArrayList<>();
        Set<String> dynamoTables = new HashSet<>();
        for (Map.Entry<String, Properties> g : groups.entrySet()) {
            String id = g.getKey();
            if (id.startsWith(TABLE_PREFIX)) {
                SourceTableSpec t =
                        table(
                                new PropertyGroup(id, g.getValue()),
                                id.substring(TABLE_PREFIX.length()),
                                sourceType);
                if (!dynamoTables.add(t.dynamoDbTable())) {
                    throw new ConfigException(
                            id,
                            TABLE_DYNAMODB_NAME,
                            "DynamoDB table " + t.dynamoDbTable() + " is declared twice");
                }
                tableSpecs.add(t);
            } else if (id.startsWith(VIEW_PREFIX)) {
                viewSpecs.add(
                        view(
                                new PropertyGroup(id, g.getValue()),
                                id.substring(VIEW_PREFIX.length())));
            } else if (!id.equals(SOURCE)
                    && !id.equals(DYNAMODB)
                    && !id.equals(PIPELINE)
                    && !id.equals(SentimentConfig.SENTIMENT)
                    && !id.equals(ArchiveConfig.GROUP)) {
                throw new ConfigException(
                        id,
                        null,
                        "is not a known property group (known: source, dynamodb, pipeline,"
                                + " sentiment, archive, table.<name>, view.<name>)");
            }
        }
        if (tableSpecs.isEmpty()) {
            throw new ConfigException(
                    TABLE_PREFIX + "<name>", null, "at least one source table must be declared");
        }
        this.tables = Collections.unmodifiableList(tableSpecs);
        this.views = Collections.unmodifiableList(viewSpecs);
        this.sentiment = SentimentConfig.from(groups.get(SentimentConfig.SENTIMENT), tableSpecs);
        this.archive =
                ArchiveConfig.from(
                        new PropertyGroup(ArchiveConfig.GROUP, groups.get(ArchiveConfig.GROUP)));
    }

    /**
     * Parses and validates the property groups; throws {@link ConfigException} naming the first bad
     * property.
     */
    public static JobConfig from(Map<String, Properties> groups) {
        return new JobConfig(new LinkedHashMap<>(groups));
    }

    private static SourceTableSpec table(PropertyGroup g, String sqlName, SourceType sourceType) {
        requireIdentifier(g.id(), null, sqlName);
        g.rejectUnknown(
                set(
                        TABLE_DYNAMODB_NAME,
                        TABLE_STREAM_ARN,
                        TABLE_SNAPSHOT,
                        SNAPSHOT_TOTAL_SEGMENTS,
                        SNAPSHOT_PAGE_SIZE,
                        SNAPSHOT_CONSISTENT_READ,
                        SNAPSHOT_RCU_PER_SECOND,
                        SNAPSHOT_CLOCK_MARGIN_MS,
                        SNAPSHOT_EXPORT_LOCATION,
                        SNAPSHOT_EXPORT_TO,
                        SNAPSHOT_EXPORT_TIMEOUT_MS),
                COLUMN_PREFIX);
        List<ColumnSpec> columns = new ArrayList<>();
        for (String key : g.keysWithPrefix(COLUMN_PREFIX)) {
            String name = key.substring(COLUMN_PREFIX.length());
            requireIdentifier(g.id(), key, name);
            if (name.equalsIgnoreCase(SourceTableSpec.CHANGE_TIME)
                    || name.equalsIgnoreCase(SourceTableSpec.EVENT_NAME)) {
                throw new ConfigException(
                        g.id(), key, name + " is a metadata column the job adds itself");
            }
            columns.add(ColumnSpec.parse(g.id(), key, name, g.required(key)));
        }
        if (columns.isEmpty()) {
            throw new ConfigException(
                    g.id(), COLUMN_PREFIX + "<name>", "declare at least one column");
        }
        String dynamoDbTable = g.optional(TABLE_DYNAMODB_NAME, sqlName);
        return new SourceTableSpec(
                sqlName,
                dynamoDbTable,
                columns,
                snapshot(g),
                streamArn(g, dynamoDbTable, sourceType));
    }

    /** The configured stream ARN, which must be one of this table's streams; null when not set. */
    private static String streamArn(PropertyGroup g, String dynamoDbTable, SourceType sourceType) {
        String arn = g.optional(TABLE_STREAM_ARN, null);
        if (arn == null) {
            return null;
        }
        if (sourceType != SourceType.DYNAMODB_STREAMS) {
            throw new ConfigException(
                    g.id(),
                    TABLE_STREAM_ARN,
                    "applies only with " + SOURCE + " / " + SOURCE_TYPE + " = dynamodb-streams");
        }
        // arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>
        String tablePart = ":table/" + dynamoDbTable + "/stream/";
        if (!arn.matches("arn:[a-z-]+:dynamodb:[^:]*:[^:]*:table/[^/]+/stream/[^/]+")
                || !arn.contains(tablePart)) {
            throw new ConfigException(
                    g.id(),
                    TABLE_STREAM_ARN,
                    "must be a stream ARN of DynamoDB table "
                            + dynamoDbTable
                            + " (arn:aws:dynamodb:<region>:<account>"
                            + tablePart
                            + "<label>), got '"
                            + arn
                            + "'");
        }
        return arn;
    }

    /**
     * The table's bootstrap; null for {@code none}, whose group may set no other snapshot key, as
     * neither kind may set the other's keys.
     */
    private static SnapshotSpec snapshot(PropertyGroup g) {
        SnapshotKind kind = g.oneOf(TABLE_SNAPSHOT, SnapshotKind.class, SnapshotKind.NONE);
        for (String key : g.keysWithPrefix(TABLE_SNAPSHOT + ".")) {
            if (kind == SnapshotKind.NONE
                    || (kind == SnapshotKind.SCAN ? EXPORT_KEYS : SCAN_KEYS).contains(key)) {
                throw new ConfigException(
                        g.id(),
                        key,
                        "applies only with "
                                + TABLE_SNAPSHOT
                                + " = "
                                + (SCAN_KEYS.contains(key)
                                        ? "scan"
                                        : EXPORT_KEYS.contains(key) ? "export" : "scan or export"));
            }
        }
        if (kind == SnapshotKind.NONE) {
            return null;
        }
        long clockMargin = g.positiveMillis(SNAPSHOT_CLOCK_MARGIN_MS, 2_000);
        if (kind == SnapshotKind.EXPORT) {
            return exportSnapshot(g, clockMargin);
        }
        return SnapshotSpec.scan(
                (int) g.wholeNumber(SNAPSHOT_TOTAL_SEGMENTS, 0, 1, 1_000_000),
                (int) g.wholeNumber(SNAPSHOT_PAGE_SIZE, 1000, 1, 100_000),
                g.bool(SNAPSHOT_CONSISTENT_READ, true),
                g.positiveNumber(SNAPSHOT_RCU_PER_SECOND, 100),
                clockMargin);
    }

    /** An existing export's folder, or where to export the table when the job is built. */
    private static SnapshotSpec exportSnapshot(PropertyGroup g, long clockMargin) {
        String location = g.optional(SNAPSHOT_EXPORT_LOCATION, null);
        String to = g.optional(SNAPSHOT_EXPORT_TO, null);
        if ((location == null) == (to == null)) {
            throw new ConfigException(
                    g.id(),
                    SNAPSHOT_EXPORT_LOCATION,
                    location == null
                            ? "is required with snapshot = export, unless "
                                    + SNAPSHOT_EXPORT_TO
                                    + " is set"
                            : "set either it or " + SNAPSHOT_EXPORT_TO + ", not both");
        }
        if (to == null) {
            if (g.optional(SNAPSHOT_EXPORT_TIMEOUT_MS, null) != null) {
                throw new ConfigException(
                        g.id(),
                        SNAPSHOT_EXPORT_TIMEOUT_MS,
                        "applies only with " + SNAPSHOT_EXPORT_TO);
            }
            if (location.matches("(?i)s3a?:.*") && !location.matches("s3a?://[^/\\s]+/\\S*")) {
                throw new ConfigException(
                        g.id(),
                        SNAPSHOT_EXPORT_LOCATION,
                        "must be s3://<bucket>/<prefix>/AWSDynamoDB/<export id>/ or a local folder,"
                                + " got '"
                                + location
                                + "'");
            }
            return SnapshotSpec.export(location, null, 0, clockMargin);
        }
        if (!to.matches("s3://[^/\\s]+(/\\S*)?")) {
            throw new ConfigException(
                    g.id(), SNAPSHOT_EXPORT_TO, "must be s3://<bucket>[/prefix], got '" + to + "'");
        }
        return SnapshotSpec.export(
                null,
                to,
                g.positiveMillis(SNAPSHOT_EXPORT_TIMEOUT_MS, 2 * 3600 * 1000L),
                clockMargin);
    }

    private static ViewSpec view(PropertyGroup g, String name) {
        requireIdentifier(g.id(), null, name);
        g.rejectUnknown(set(VIEW_SQL, VIEW_TARGET_TABLE, VIEW_TARGET_KEY));
        List<String> key = g.list(VIEW_TARGET_KEY);
        if (key.size() > 2) {
            throw new ConfigException(
                    g.id(),
                    VIEW_TARGET_KEY,
                    "a DynamoDB key has one or two attributes, got " + key);
        }
        return new ViewSpec(name, g.required(VIEW_SQL), g.required(VIEW_TARGET_TABLE), key);
    }

    private static void requireIdentifier(String group, String key, String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(
                    group,
                    key,
                    "'" + name + "' must be a SQL identifier (letters, digits, underscore)");
        }
    }

    private static Properties connectorProperties(PropertyGroup g) {
        Properties out = new Properties();
        for (Map.Entry<Object, Object> e : g.raw().entrySet()) {
            String k = e.getKey().toString();
            if (k.startsWith("aws.") || k.startsWith("flink.")) {
                out.setProperty(k, e.getValue().toString().trim());
            }
        }
        return out;
    }

    private static Set<String> set(String... keys) {
        return new HashSet<>(Arrays.asList(keys));
    }

    public SourceType sourceType() {
        return sourceType;
    }

    /**
     * The Kinesis stream name; null with DynamoDB Streams (see {@link SourceTableSpec#streamArn}).
     */
    public String stream() {
        return stream;
    }

    /** The source operator's uid; its state (the stream position) is restored under this name. */
    public String sourceUid() {
        return sourceUid;
    }

    /** A copy of the source connector's properties (including the initial position). */
    public Properties sourceProperties() {
        Properties p = new Properties();
        p.putAll(sourceProperties);
        return p;
    }

    /** A copy of the DynamoDB sink's {@code aws.*} properties. */
    public Properties dynamoDbProperties() {
        Properties p = new Properties();
        p.putAll(dynamoDbProperties);
        return p;
    }

    public Duration flushInterval() {
        return flushInterval;
    }

    public String deadLetterTable() {
        return deadLetterTable;
    }

    public OtherTables otherTables() {
        return otherTables;
    }

    public WriteMode writeMode() {
        return writeMode;
    }

    /** BatchWriteItem requests each view writer may have in flight. */
    public int writeMaxInFlight() {
        return writeMaxInFlight;
    }

    public Duration outOfOrderness() {
        return outOfOrderness;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration dedupeRetention() {
        return dedupeRetention;
    }

    public Duration tombstoneRetention() {
        return tombstoneRetention;
    }

    public boolean ttlDeletesRetract() {
        return ttlDeletesRetract;
    }

    public List<SourceTableSpec> tables() {
        return tables;
    }

    /** The declared tables that are bootstrapped by a snapshot on a fresh start. */
    public List<SourceTableSpec> snapshotTables() {
        List<SourceTableSpec> out = new ArrayList<>();
        tables.forEach(
                t -> {
                    if (t.snapshot() != null) {
                        out.add(t);
                    }
                });
        return out;
    }

    public List<ViewSpec> views() {
        return views;
    }

    /** The review enrichment's settings, or null when the job enriches no table. */
    public SentimentConfig sentiment() {
        return sentiment;
    }

    public ArchiveConfig archive() {
        return archive;
    }
}
