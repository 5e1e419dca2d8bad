package io.changeviews.local;

import io.changeviews.connectors.archive.ParquetDatasetSink;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The local Parquet warehouse in DuckDB: an in-memory database with one view per archived dataset
 * over its committed parts, Hive partitions ({@code table}, {@code dt}, {@code hr}; {@code table},
 * {@code snapshot}) as columns. A dataset without committed parts yet is an empty view with the
 * same columns. With the changes and the snapshots, the table macro {@code as_of(table, time)}
 * reconstructs a table as of a time from its latest snapshot before it and the changes since.
 */
public final class Warehouse implements AutoCloseable {
    /**
     * A table as of {@code at_time}: each item of the latest snapshot begun at or before then, and
     * each change from that snapshot's earliest item time to {@code at_time}; per key, the newest
     * image wins (by time, then sequence number, a snapshot item's {@code 0} being lower than any
     * stream's), and a newest REMOVE removes the item. Columns: {@code keys}, the declared columns,
     * {@code image} and {@code change_time} (of the newest image). Exact for times after the
     * snapshot is done.
     */
    private static final String AS_OF =
            "CREATE MACRO as_of(of_table, at_time) AS TABLE\n"
                + "WITH base AS (\n"
                + "    SELECT * FROM snapshots WHERE table_name = of_table AND snapshot_start ="
                + " (SELECT max(snapshot_start) FROM snapshots\n"
                + "        WHERE table_name = of_table AND snapshot_start <= at_time)),\n"
                + "images AS (\n"
                + "    SELECT * EXCLUDE (table_name, snapshot_start, snapshot_time, \"table\","
                + " snapshot),\n"
                + "        snapshot_time AS change_time, 'INSERT' AS event_name, '0' AS"
                + " sequence_number\n"
                + "    FROM base\n"
                + "    UNION ALL BY NAME\n"
                + "    SELECT * EXCLUDE (table_name, event_id, ttl_delete, old_image, new_image,"
                + " \"table\", dt, hr),\n"
                + "        new_image AS image\n"
                + "    FROM changes WHERE table_name = of_table\n"
                + "        AND change_time >= (SELECT min(snapshot_time) FROM base)\n"
                + "        AND change_time <= at_time),\n"
                + "newest AS (\n"
                + "    SELECT *, row_number() OVER (PARTITION BY keys ORDER BY change_time DESC,"
                + " length(sequence_number) DESC, sequence_number DESC) AS rank\n"
                + "    FROM images)\n"
                + "SELECT * EXCLUDE (rank, event_name, sequence_number) FROM newest\n"
                + "WHERE rank = 1 AND event_name <> 'REMOVE'";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSXXX");

    private final Connection db;

    private Warehouse(Connection db) {
        this.db = db;
    }

    /**
     * Opens DuckDB with a view per dataset, reading the committed parts under {@code
     * warehouse/<dataset>/}.
     */
    public static Warehouse open(Path warehouse, List<ArchivedDataset> datasets)
            throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = db.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            for (ArchivedDataset d : datasets) {
                List<Path> parts = committedParts(warehouse.resolve(d.name()));
                s.execute(
                        "CREATE VIEW \""
                                + d.name()
                                + "\" AS "
                                + (parts.isEmpty() ? empty(d) : readParts(parts)));
            }
            List<String> names =
                    datasets.stream().map(ArchivedDataset::name).collect(Collectors.toList());
            if (names.contains(ParquetArchive.CHANGES)
                    && names.contains(ParquetArchive.SNAPSHOTS)) {
                s.execute(AS_OF);
            }
        }
        return new Warehouse(db);
    }

    private static List<Path> committedParts(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Warehouse::isCommittedPart).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Committed parts only: in-progress parts, and with compaction the parts not compacted yet, are
     * hidden files ({@code .part-…}) that Athena skips too.
     */
    public static boolean isCommittedPart(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(ParquetDatasetSink.PART_SUFFIX)
                && !name.startsWith(".")
                && Files.isRegularFile(file);
    }

    /**
     * The parts listed one by one (a glob would also match hidden files); union_by_name: older
     * parts may lack newer columns.
     */
    private static String readParts(List<Path> parts) {
        List<String> quoted = new ArrayList<>();
        for (Path p : parts) {
            quoted.add("'" + p.toAbsolutePath().toString().replace("'", "''") + "'");
        }
        return "SELECT * FROM read_parquet(["
                + String.join(", ", quoted)
                + "], hive_partitioning = true, union_by_name = true)";
    }

    private static String empty(ArchivedDataset d) {
        List<String> columns = new ArrayList<>();
        for (RowType.RowField f : d.columns().getFields()) {
            columns.add("CAST(NULL AS " + duckDbType(f.getType()) + ") AS \"" + f.getName() + "\"");
        }
        for (String p : d.partitioning().columns()) {
            columns.add("CAST(NULL AS VARCHAR) AS \"" + p + "\"");
        }
        return "SELECT " + String.join(", ", columns) + " WHERE false";
    }

    private static String duckDbType(LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return "VARCHAR";
            case BOOLEAN:
                return "BOOLEAN";
            case TINYINT:
            case SMALLINT:
            case INTEGER:
                return "INTEGER";
            case BIGINT:
                return "BIGINT";
            case FLOAT:
                return "FLOAT";
            case DOUBLE:
                return "DOUBLE";
            case DECIMAL:
                DecimalType d = (DecimalType) type;
                return "DECIMAL(" + d.getPrecision() + "," + d.getScale() + ")";
            case DATE:
                return "DATE";
            default:
                return "TIMESTAMPTZ";
        }
    }

    /**
     * Runs a query; returns the header row, then one row per result row, every value as text (NULL
     * as null).
     */
    public List<List<String>> query(String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> header = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                header.add(meta.getColumnLabel(c));
            }
            out.add(header);
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    Object v = rs.getObject(c);
                    row.add(
                            v instanceof OffsetDateTime
                                    ? TIMESTAMP.format((OffsetDateTime) v)
                                    : rs.getString(c));
                }
                out.add(row);
            }
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
