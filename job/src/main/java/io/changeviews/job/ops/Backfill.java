package io.changeviews.job.ops;

import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Rebuilds the views with fresh state, on this machine: by default from the tables' current state
 * (a Scan snapshot of every declared table, then the stream from just before it), or by replaying
 * the stream from TRIM_HORIZON or a timestamp, which is only right while the stream still holds the
 * tables' whole history. Prints a progress line (snapshot items, records read, how far behind the
 * stream's tip) and, optionally, stops once caught up. Writes are absolute, so the views end as a
 * live run leaves them.
 *
 * <p>Options: {@code --config} (kda-app.json), {@code --from snapshot|TRIM_HORIZON|<ISO-8601
 * instant>} ({@code snapshot}), {@code --kinesis-endpoint} and {@code --dynamodb-endpoint}
 * (emulators; leave out for AWS and its default credentials), {@code --stop-when-caught-up true},
 * {@code --web-port} (8082), {@code --local-dir} (where the checkpoints, and with emulators the
 * archive, go: {@code .local}).
 */
public final class Backfill {
    private static final long POLL_MS = 2_000;
    private static final String FROM_SNAPSHOT = "snapshot";

    private Backfill() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options =
                Options.parse(
                        args,
                        "config",
                        RepoPaths.kdaAppJson().toString(),
                        "from",
                        FROM_SNAPSHOT,
                        "kinesis-endpoint",
                        "",
                        "dynamodb-endpoint",
                        "",
                        "stop-when-caught-up",
                        "false",
                        "web-port",
                        "8082",
                        "local-dir",
                        RepoPaths.localDir().toString());
        Map<String, Properties> groups =
                ApplicationProperties.fromKdaAppJson(Paths.get(options.get("config")));
        JobConfig config =
                JobConfig.from(
                        ApplicationProperties.withOverrides(groups, overrides(options, groups)));
        Path localDir = Paths.get(options.get("local-dir"));

        Configuration flink =
                GlobalConfiguration.loadConfiguration(
                        RepoPaths.root().resolve("flink-conf").toString());
        int port = Integer.parseInt(options.get("web-port"));
        flink.set(RestOptions.PORT, port);
        // The REST API serves metrics at most this stale; the progress line and catching up rely on
        // it.
        flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, POLL_MS / 2);
        flink.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                localDir.resolve("backfill-checkpoints").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        ChangeViewsJob.build(env, config);
        JobClient job = env.executeAsync("changeviews-backfill");
        System.out.println(
                (options.get("from").equals(FROM_SNAPSHOT)
                                ? "Rebuilding from a snapshot of "
                                        + config.snapshotTables().size()
                                        + " tables, then "
                                        + streams(config)
                                : "Replaying " + streams(config) + " from " + options.get("from"))
                        + " with fresh state; Web UI http://localhost:"
                        + port);

        JobMetrics metrics = new JobMetrics(port, job.getJobID().toHexString());
        BootstrapProgress bootstrap = BootstrapProgress.of(config, metrics);
        CatchUp catchUp = new CatchUp(3);
        boolean stopWhenCaughtUp = Boolean.parseBoolean(options.get("stop-when-caught-up"));
        boolean running = true;
        while (running) {
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
            double read =
                    metrics.sum("changesDecoded")
                            + metrics.sum("recordsDeadLettered")
                            + metrics.sum("changesOfOtherTables");
            double behind = metrics.max("millisBehindLatest");
            long writes = (long) metrics.sum("aggregateWrites");
            // While a snapshot runs the writes are held, so a quiet stream is not caught up yet.
            boolean caughtUp =
                    catchUp.observe((long) read, writes, behind)
                            && (bootstrap == null || bootstrap.done());
            System.out.printf(
                    "%sread %,d records (%,d dead letters), behind the tip %s, %,d view writes%s%n",
                    bootstrap == null ? "" : bootstrap.line() + "; ",
                    (long) read,
                    (long) metrics.sum("recordsDeadLettered"),
                    Double.isNaN(behind) ? "unknown yet" : String.format("%,d ms", (long) behind),
                    writes,
                    caughtUp ? " — caught up" : "");
            if (caughtUp && stopWhenCaughtUp) {
                // Nothing new is read: let the coalescers' last flush reach DynamoDB before
                // stopping.
                TimeUnit.MILLISECONDS.sleep(3 * config.flushInterval().toMillis());
                job.cancel().get();
                System.out.println("Caught up at " + Instant.now() + "; stopped.");
                running = false;
            } else {
                running = !job.getJobStatus().get().isGloballyTerminalState();
            }
        }
    }

    private static String streams(JobConfig config) {
        return config.sourceType() == JobConfig.SourceType.KINESIS
                ? config.stream()
                : "the declared tables' DynamoDB Streams";
    }

    private static Map<String, Map<String, String>> overrides(
            Map<String, String> options, Map<String, Properties> groups) {
        Map<String, Map<String, String>> out = new HashMap<>();
        Map<String, String> source =
                options.get("kinesis-endpoint").isEmpty()
                        ? new HashMap<>()
                        : EndpointProperties.forEndpoint(options.get("kinesis-endpoint"));
        if (options.get("from").equals(FROM_SNAPSHOT)) {
            out.putAll(BootstrapProgress.scanEveryTable(groups));
            // Anything but TRIM_HORIZON: the stream then starts just before the snapshot.
            source.put(JobConfig.INITIAL_POSITION, "LATEST");
        } else if (options.get("from").equalsIgnoreCase("TRIM_HORIZON")) {
            source.put(JobConfig.INITIAL_POSITION, "TRIM_HORIZON");
        } else {
            source.put(JobConfig.INITIAL_POSITION, "AT_TIMESTAMP");
            source.put(JobConfig.INITIAL_TIMESTAMP, options.get("from"));
        }
        out.put(JobConfig.SOURCE, source);
        if (!options.get("kinesis-endpoint").isEmpty()) {
            out.put(
                    ArchiveConfig.GROUP,
                    ArchiveConfig.pathOverride(
                            Paths.get(options.get("local-dir"))
                                    .resolve("backfill-warehouse")
                                    .toString()));
        }
        if (!options.get("dynamodb-endpoint").isEmpty()) {
            out.put(
                    JobConfig.DYNAMODB,
                    EndpointProperties.forEndpoint(options.get("dynamodb-endpoint")));
        }
        return out;
    }

    /**
     * Caught up: every shard at the tip, nothing new read and nothing new written, several looks in
     * a row.
     */
    static final class CatchUp {
        private final int looksNeeded;
        private long lastRead = -1;
        private long lastWrites = -1;
        private int quietLooks;

        CatchUp(int looksNeeded) {
            this.looksNeeded = looksNeeded;
        }

        boolean observe(long recordsRead, long writes, double millisBehind) {
            boolean quiet = millisBehind == 0 && recordsRead == lastRead && writes == lastWrites;
            quietLooks = quiet ? quietLooks + 1 : 0;
            lastRead = recordsRead;
            lastWrites = writes;
            return quietLooks >= looksNeeded;
        }
    }
}
