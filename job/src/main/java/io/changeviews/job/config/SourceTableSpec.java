package io.changeviews.job.config;

import java.io.Serializable;
import java.util.List;

/** A DynamoDB table the job follows, and the columns SQL sees of it. */
public final class SourceTableSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Metadata column of both SQL tables: the change time (the event-time attribute of the changes
     * table).
     */
    public static final String CHANGE_TIME = "change_time";

    /** Metadata column of the changes table: INSERT, MODIFY or REMOVE. */
    public static final String EVENT_NAME = "event_name";

    /** Suffix of the append-only changes table's name. */
    public static final String CHANGES_SUFFIX = "_changes";

    private final String sqlName;
    private final String dynamoDbTable;
    private final List<ColumnSpec> columns;
    private final SnapshotSpec snapshot;
    private final String streamArn;

    public SourceTableSpec(String sqlName, String dynamoDbTable, List<ColumnSpec> columns) {
        this(sqlName, dynamoDbTable, columns, null, null);
    }

    public SourceTableSpec(
            String sqlName,
            String dynamoDbTable,
            List<ColumnSpec> columns,
            SnapshotSpec snapshot,
            String streamArn) {
        this.sqlName = sqlName;
        this.dynamoDbTable = dynamoDbTable;
        this.columns = columns;
        this.snapshot = snapshot;
        this.streamArn = streamArn;
    }

    /** The current-state table's name in SQL. */
    public String sqlName() {
        return sqlName;
    }

    /** The append-only change-event table's name in SQL. */
    public String changesSqlName() {
        return sqlName + CHANGES_SUFFIX;
    }

    public String dynamoDbTable() {
        return dynamoDbTable;
    }

    public List<ColumnSpec> columns() {
        return columns;
    }

    /** How the table is bootstrapped on a fresh start; null when it is not ({@code none}). */
    public SnapshotSpec snapshot() {
        return snapshot;
    }

    /**
     * The configured DynamoDB Stream ARN of the table; null when the job looks up the table's
     * latest stream (or reads Kinesis).
     */
    public String streamArn() {
        return streamArn;
    }

    /** The {@code table.<Name>} group that declares the table, for error messages. */
    public String group() {
        return JobConfig.TABLE_PREFIX + sqlName;
    }
}
