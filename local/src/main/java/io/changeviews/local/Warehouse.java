package io.changeviews.local;

import io.changeviews.connectors.archive.ParquetDatasetSink;
import io.changeviews.job.archive.ArchivedDataset;
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
 * over its committed parts, Hive partitions ({@code table}, {@code dt}, {@code hr}) as columns. A
 * dataset without committed parts yet is an empty view with the same columns.
 */
public final class Warehouse implements AutoCloseable {
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
        for (String p : ArchivedDataset.PARTITION_COLUMNS) {
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
