package io.changeviews.local;

import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import io.changeviews.job.ops.BootstrapProgress;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.ops.JobMetrics;
import io.changeviews.job.ops.Options;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole pipeline on this machine, no AWS account needed: DynamoDB Local, the Kinesis emulator,
 * a relay doing what Kinesis Data Streams for DynamoDB does, the job in a MiniCluster with the Web
 * UI, a sample-data generator with a progress line, and the aggregates printed as they change.
 * Ctrl-C stops everything.
 *
 * <p>Every run bootstraps: the source tables get {@code --seed-items N} items (3000; 0 for none)
 * before their streams are turned on, so the job reads them only through its Scan snapshots.
 *
 * <p>Options: {@code --orders N} changes to generate (2000; 0 for none, e.g. to drive it with the
 * AWS CLI), {@code --rate N} changes per second (20), {@code --dynamodb-port} (8000), {@code
 * --kinesis-port} (4568), {@code --web-port} (8081), {@code --sentiment} ({@code embedded}, the
 * default; {@code local-comprehend} for the Comprehend path against a local Comprehend endpoint;
 * {@code comprehend} for Amazon Comprehend itself, with the AWS credentials of the environment).
 */
public final class LocalRunner {
    private static final long DISPLAY_INTERVAL_MS = 3_000;

    private LocalRunner() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options =
                Options.parse(
                        args,
                        "orders",
                        "2000",
                        "rate",
                        "20",
                        "dynamodb-port",
                        "8000",
                        "kinesis-port",
                        "4568",
                        "web-port",
                        "8081",
                        "seed",
                        "1",
                        "seed-items",
                        "3000",
                        "sentiment",
                        "embedded");
        long orders = Long.parseLong(options.get("orders"));
        double rate = Double.parseDouble(options.get("rate"));

        System.out.println("Starting DynamoDB Local and the Kinesis emulator ...");
        LocalDynamoDb dynamoDb =
                LocalDynamoDb.start(Integer.parseInt(options.get("dynamodb-port")));
        KinesisMock kinesis =
                KinesisMock.start(Integer.parseInt(options.get("kinesis-port")), Map.of());
        Map<String, Properties> shipped =
                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson());
        Map<String, Map<String, String>> overrides = localOverrides(dynamoDb, kinesis);
        overrides.putAll(BootstrapProgress.scanEveryTable(shipped));
        LocalComprehend localComprehend = sentimentOverrides(options.get("sentiment"), overrides);
        JobConfig config = JobConfig.from(ApplicationProperties.withOverrides(shipped, overrides));
        DynamoDbClient ddb = dynamoDb.client();
        kinesis.createStream(config.stream(), 2);
        LocalTables.createSourceTables(ddb, false);
        SampleData data = new SampleData(Long.parseLong(options.get("seed")));
        long seeded = seed(ddb, data, Long.parseLong(options.get("seed-items")));
        LocalTables.enableStreams(ddb);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        LocalTables.createSentimentCacheTable(ddb, config.sentiment().cacheTable());
        List<StreamRelay> relays = new ArrayList<>();
        for (String table : SampleData.TABLES) {
            relays.add(
                    StreamRelay.start(
                            dynamoDb.streamsClient(), table, kinesis.client(), config.stream()));
        }

        Configuration flink =
                GlobalConfiguration.loadConfiguration(
                        RepoPaths.root().resolve("flink-conf").toString());
        int webPort = Integer.parseInt(options.get("web-port"));
        flink.set(RestOptions.PORT, webPort);
        // The Web UI's metrics are at most this stale; the bootstrap's progress line reads them.
        flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, DISPLAY_INTERVAL_MS / 2);
        flink.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                RepoPaths.localDir().resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        List<MaterializedView> views = ChangeViewsJob.build(env, config);
        LocalTables.createTargetTables(ddb, views);
        JobClient job = env.executeAsync("changeviews-local");

        printEndpoints(dynamoDb, kinesis, config, views, options.get("web-port"), seeded);
        BootstrapProgress bootstrap =
                BootstrapProgress.of(config, new JobMetrics(webPort, job.getJobID().toHexString()));
        Generator generator = new Generator(ddb, orders, rate, data);
        generator.start();
        AggregateDisplay display = new AggregateDisplay(ddb, views);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    System.out.println("\nStopping ...");
                                    generator.interrupt();
                                    try {
                                        job.cancel().get(30, TimeUnit.SECONDS);
                                        for (StreamRelay relay : relays) {
                                            relay.close();
                                        }
                                        kinesis.close();
                                        dynamoDb.close();
                                        if (localComprehend != null) {
                                            localComprehend.close();
                                        }
                                    } catch (Exception e) {
                                        System.err.println("While stopping: " + e);
                                    }
                                    stopped.countDown();
                                },
                                "local-runner-shutdown"));
        while (!stopped.await(DISPLAY_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
            display.showChanges(generator.progress() + " · " + bootstrapLine(bootstrap));
        }
    }

    /**
     * Makes random changes until the tables hold {@code items} items, and writes the tables' items
     * as they are then (before their streams exist); returns how many.
     */
    private static long seed(DynamoDbClient ddb, SampleData data, long items) {
        long live = 0;
        while (live < items) {
            SampleData.Operation op = data.next();
            live += op.after == null ? -1 : op.before == null ? 1 : 0;
        }
        for (String table : SampleData.TABLES) {
            LocalTables.writeItems(ddb, table, data.items(table));
        }
        return live;
    }

    private static String bootstrapLine(BootstrapProgress bootstrap) {
        try {
            return bootstrap.line();
        } catch (IOException e) {
            return "snapshot: no metrics yet (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "stopping";
        }
    }

    /** Points the shipped configuration's source and sinks at the local emulators. */
    private static Map<String, Map<String, String>> localOverrides(
            LocalDynamoDb dynamoDb, KinesisMock kinesis) {
        Map<String, Map<String, String>> overrides = new HashMap<>();
        Map<String, String> source = EndpointProperties.forEndpoint(kinesis.endpoint());
        source.put(JobConfig.INITIAL_POSITION, "TRIM_HORIZON");
        source.put("flink.shard.getrecords.intervalmillis", "200");
        overrides.put(JobConfig.SOURCE, source);
        overrides.put(JobConfig.DYNAMODB, EndpointProperties.forEndpoint(dynamoDb.endpoint()));
        // No compaction locally: parts show at every checkpoint (10 s) instead of every tenth.
        Map<String, String> archive = ArchiveConfig.pathOverride(RepoPaths.warehouse().toString());
        archive.put(ArchiveConfig.COMPACTION_CHECKPOINTS, "0");
        overrides.put(ArchiveConfig.GROUP, archive);
        return overrides;
    }

    /**
     * Chooses the sentiment engine: the shipped configuration's embedded one, Comprehend's protocol
     * against a local endpoint (started here, returned), or Amazon Comprehend with the
     * environment's credentials (the score cache stays in DynamoDB Local).
     */
    private static LocalComprehend sentimentOverrides(
            String choice, Map<String, Map<String, String>> overrides) {
        switch (choice) {
            case "embedded":
                return null;
            case "local-comprehend":
                LocalComprehend comprehend = LocalComprehend.start(1);
                Map<String, String> local = EndpointProperties.forEndpoint(comprehend.endpoint());
                local.put(SentimentConfig.ENGINE, "comprehend");
                overrides.put(SentimentConfig.SENTIMENT, local);
                return comprehend;
            case "comprehend":
                overrides.put(
                        SentimentConfig.SENTIMENT, Map.of(SentimentConfig.ENGINE, "comprehend"));
                return null;
            default:
                throw new IllegalArgumentException(
                        "--sentiment must be embedded, local-comprehend or comprehend, got '"
                                + choice
                                + "'");
        }
    }

    private static void printEndpoints(
            LocalDynamoDb dynamoDb,
            KinesisMock kinesis,
            JobConfig config,
            List<MaterializedView> views,
            String webPort,
            long seeded) {
        String ddb = dynamoDb.endpoint();
        System.out.println();
        System.out.println("changeviews is running locally.");
        System.out.println(
                "  Flink Web UI      http://" + LocalEnvironment.LOOPBACK + ":" + webPort);
        System.out.println(
                "  DynamoDB Local    "
                        + ddb
                        + "   (source tables: "
                        + String.join(", ", SampleData.TABLES)
                        + ")");
        System.out.println(
                "  Kinesis emulator  "
                        + kinesis.endpoint()
                        + "   (stream "
                        + config.stream()
                        + ")");
        System.out.println(
                "  Parquet archive   "
                        + config.archive().path()
                        + "   (parts appear at each checkpoint, every 10 s;"
                        + " query: mvn -q -pl local exec:exec@query)");
        System.out.println(
                "  Bootstrap         "
                        + String.format("%,d", seeded)
                        + " items were in the source tables before their streams started;"
                        + " the job scans them first");
        System.out.print("  Views             ");
        views.forEach(v -> System.out.print(v.spec.name() + " → " + v.spec.targetTable() + "  "));
        System.out.println();
        System.out.println(
                "  Sentiment engine  "
                        + config.sentiment().engine().name().toLowerCase(Locale.ROOT));
        System.out.println("Drive it with the AWS CLI (any key pair works):");
        System.out.println(
                "  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local"
                        + " AWS_DEFAULT_REGION=us-east-1");
        System.out.println(
                "  aws dynamodb put-item --endpoint-url "
                        + ddb
                        + " --table-name Order_by_item --item "
                        + "'{\"orderid\":{\"S\":\"cli-1\"},\"order_date\":{\"S\":\"2026-11-25T10:00:00\"},\"item_number\":{\"S\":\"item123\"},\"quantity\":{\"N\":\"10\"}}'");
        System.out.println(
                "  aws dynamodb get-item --endpoint-url "
                        + ddb
                        + " --table-name item_count_by_date --key "
                        + "'{\"item_number\":{\"S\":\"item123\"},\"order_date\":{\"S\":\"2026-11-25\"}}'");
        System.out.println(
                "  aws dynamodb get-item --endpoint-url "
                        + ddb
                        + " --table-name review_summary --key "
                        + "'{\"pk\":{\"S\":\"B00004U2JW\"},\"sk\":{\"S\":\"2099-12-31#REVIEWSUMMARY\"}}'");
        System.out.println("Ctrl-C stops everything.");
        System.out.println();
    }

    /**
     * Issues the sample changes through the DynamoDB API at a steady rate, so they flow like a
     * user's writes.
     */
    private static final class Generator extends Thread {
        private final DynamoDbClient ddb;
        private final long total;
        private final double rate;
        private final SampleData data;
        private volatile long done;

        Generator(DynamoDbClient ddb, long total, double rate, SampleData data) {
            super("sample-data-generator");
            setDaemon(true);
            this.ddb = ddb;
            this.total = total;
            this.rate = rate;
            this.data = data;
        }

        String progress() {
            return total == 0 ? "generator off" : "generated " + done + "/" + total + " changes";
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try {
                while (done < total) {
                    SampleData.Operation op = data.next();
                    op.applyTo(ddb);
                    done++;
                    long due = start + (long) (done * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Prints the rows of the views' tables that changed since the last look. */
    private static final class AggregateDisplay {
        private static final int MAX_ROWS = 8;
        private final DynamoDbClient ddb;
        private final List<MaterializedView> views;
        private final Map<String, Map<String, Map<String, String>>> previous = new HashMap<>();

        AggregateDisplay(DynamoDbClient ddb, List<MaterializedView> views) {
            this.ddb = ddb;
            this.views = views;
        }

        void showChanges(String progress) {
            StringBuilder out = new StringBuilder("── " + progress + " ──\n");
            for (MaterializedView v : views) {
                Map<String, Map<String, String>> now =
                        LocalTables.scanAsText(ddb, v.spec.targetTable(), v.spec.targetKey());
                Map<String, Map<String, String>> before =
                        previous.getOrDefault(v.spec.targetTable(), Map.of());
                List<String> changed = new ArrayList<>();
                now.forEach(
                        (key, item) -> {
                            if (!item.equals(before.get(key))) {
                                changed.add("   " + row(v, item));
                            }
                        });
                before.keySet().stream()
                        .filter(k -> !now.containsKey(k))
                        .forEach(k -> changed.add("   deleted " + k));
                previous.put(v.spec.targetTable(), now);
                if (!changed.isEmpty()) {
                    out.append(v.spec.targetTable())
                            .append(": ")
                            .append(now.size())
                            .append(" items, ")
                            .append(changed.size())
                            .append(" changed\n");
                    changed.stream().limit(MAX_ROWS).forEach(line -> out.append(line).append('\n'));
                }
            }
            System.out.print(out);
        }

        private static String row(MaterializedView v, Map<String, String> item) {
            StringBuilder sb = new StringBuilder();
            for (String c : v.columns) {
                sb.append(c).append('=').append(item.get(c)).append("  ");
            }
            return sb.toString().trim();
        }
    }
}
