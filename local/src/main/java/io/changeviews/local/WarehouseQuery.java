package io.changeviews.local;

import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs SQL over the local Parquet warehouse with DuckDB and prints the result as a table. Every
 * dataset the shipped job archives is a table (Hive partitions {@code table}, {@code dt}, {@code
 * hr} as columns), empty until its first parts are committed. Without SQL it lists the tables.
 *
 * <p>Arguments: {@code [--warehouse <folder>] [SQL]}; the warehouse defaults to the local runner's
 * {@code .local/warehouse}.
 */
public final class WarehouseQuery {
    private static final int MAX_CELL = 60;

    private WarehouseQuery() {}

    public static void main(String[] args) throws Exception {
        String line = String.join(" ", args).trim();
        Path warehouse = RepoPaths.warehouse();
        if (line.startsWith("--warehouse")) {
            String[] parts = line.split("\\s+", 3);
            warehouse = Paths.get(parts[1]).toAbsolutePath();
            line = parts.length > 2 ? parts[2] : "";
        }
        List<ArchivedDataset> datasets = datasets(warehouse);
        try (Warehouse w = Warehouse.open(warehouse, datasets)) {
            if (line.isEmpty()) {
                System.out.println(
                        "Tables in " + warehouse + " (query with -Dquery.args=\"SELECT ...\"):");
                for (ArchivedDataset d : datasets) {
                    String rows =
                            w.query("SELECT count(*) FROM \"" + d.name() + "\"").get(1).get(0);
                    System.out.println(
                            "  "
                                    + d.name()
                                    + " ("
                                    + rows
                                    + " rows): "
                                    + String.join(", ", d.columns().getFieldNames())
                                    + ", "
                                    + String.join(", ", d.partitioning().columns()));
                }
                return;
            }
            print(w.query(line));
        } catch (SQLException e) {
            System.err.println("Query failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The datasets of the shipped job, archived into {@code warehouse}: the query's tables. */
    private static List<ArchivedDataset> datasets(Path warehouse) throws Exception {
        JobConfig config =
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                Map.of(
                                        ArchiveConfig.GROUP,
                                        ArchiveConfig.pathOverride(warehouse.toString()))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ChangeViewsJob.build(env, config);
        return ParquetArchive.datasets(env, config);
    }

    /** Prints the header and rows in aligned columns, long values cut, and the row count. */
    private static void print(List<List<String>> result) {
        List<List<String>> cells = new ArrayList<>();
        for (List<String> row : result) {
            List<String> out = new ArrayList<>();
            for (String v : row) {
                String text = v == null ? "NULL" : v.replace('\n', ' ');
                out.add(text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 1) + "…" : text);
            }
            cells.add(out);
        }
        int[] width = new int[cells.get(0).size()];
        for (List<String> row : cells) {
            for (int c = 0; c < row.size(); c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder rule = new StringBuilder("+");
        for (int w : width) {
            rule.append("-".repeat(w + 2)).append('+');
        }
        System.out.println(rule);
        for (int r = 0; r < cells.size(); r++) {
            StringBuilder line = new StringBuilder("|");
            for (int c = 0; c < width.length; c++) {
                line.append(' ')
                        .append(String.format("%-" + width[c] + "s", cells.get(r).get(c)))
                        .append(" |");
            }
            System.out.println(line);
            if (r == 0) {
                System.out.println(rule);
            }
        }
        System.out.println(rule);
        System.out.println((cells.size() - 1) + (cells.size() == 2 ? " row" : " rows"));
    }
}
