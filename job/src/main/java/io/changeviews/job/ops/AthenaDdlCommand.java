package io.changeviews.job.ops;

import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.AthenaDdl;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Prints Athena's {@code CREATE EXTERNAL TABLE} for every dataset the configured job archives (the
 * {@code snapshots} too, whether or not a table is snapshotted now), located under the
 * configuration's {@code archive.path} (or {@code --location}).
 *
 * <p>Options: {@code --config} (kda-app.json), {@code --location s3://bucket/prefix} (instead of
 * {@code archive.path}), {@code --since YYYY-MM-DD} (first day of the {@code dt} projection).
 */
public final class AthenaDdlCommand {
    private AthenaDdlCommand() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options =
                Options.parse(
                        args,
                        "config",
                        RepoPaths.kdaAppJson().toString(),
                        "location",
                        "",
                        "since",
                        "2024-01-01");
        JobConfig config =
                JobConfig.from(
                        ApplicationProperties.fromKdaAppJson(Paths.get(options.get("config"))));
        if (!config.archive().enabled()) {
            System.out.println(
                    "-- The archive is off: " + options.get("config") + " sets no archive.path.");
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ChangeViewsJob.build(env, config);
        List<ArchivedDataset> datasets = ParquetArchive.datasets(env, config);
        String base =
                options.get("location").isEmpty()
                        ? null
                        : options.get("location").replaceAll("/+$", "");
        for (ArchivedDataset d : datasets) {
            String location = base == null ? d.location() : base + "/" + d.name();
            System.out.println("-- " + d.name() + ": " + location);
            System.out.println(
                    AthenaDdl.createTable(d, location, LocalDate.parse(options.get("since"))));
            System.out.println();
        }
    }
}
