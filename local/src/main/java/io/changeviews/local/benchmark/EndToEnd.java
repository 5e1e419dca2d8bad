package io.changeviews.local.benchmark;

import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.JobConfig;
import io.changeviews.local.FaultyDynamoDbProxy;
import io.changeviews.local.LocalDynamoDb;
import io.changeviews.local.LocalTables;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The job end to end on a MiniCluster: the workload's records in, DynamoDB Local behind the
 * counting proxy out.
 */
final class EndToEnd {
    /** What each view is materialized as. */
    final List<MaterializedView> views;

    final int parallelism;

    final long flushIntervalMs;
    final double seconds;

    /** CPU seconds of this JVM during the run: DynamoDB Local and the proxy run in it too. */
    final double cpuSeconds;

    /** From submission to the first record decoded. */
    final double startUpSeconds;

    /** Item writes to {@link JobUnderTest#VIEW_TABLE}. */
    final long viewWrites;

    /** Item writes to the views' tables and the dead-letter table. */
    final long allWrites;

    final long batchCalls;

    /** Item writes per table, e.g. {@code item_count_by_date 16,007, dead letters 0}. */
    final String writesPerTable;

    /**
     * Whether {@link JobUnderTest#VIEW_TABLE} holds the generator's final state, e.g. {@code OK
     * (5,353 keys)}.
     */
    final String check;

    private EndToEnd(
            List<MaterializedView> views,
            int parallelism,
            long flushIntervalMs,
            double seconds,
            double cpuSeconds,
            double startUpSeconds,
            long viewWrites,
            long allWrites,
            long batchCalls,
            String writesPerTable,
            String check) {
        this.views = Collections.unmodifiableList(views);
        this.parallelism = parallelism;
        this.flushIntervalMs = flushIntervalMs;
        this.seconds = seconds;
        this.cpuSeconds = cpuSeconds;
        this.startUpSeconds = startUpSeconds;
        this.viewWrites = viewWrites;
        this.allWrites = allWrites;
        this.batchCalls = batchCalls;
        this.writesPerTable = writesPerTable;
        this.check = check;
    }

    static EndToEnd measure(
            LocalDynamoDb dynamoDb, Workload workload, int parallelism, Progress progress)
            throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        int events = workload.records.length;
        try (FaultyDynamoDbProxy proxy = FaultyDynamoDbProxy.start(dynamoDb.endpoint());
                EncodedFeed feed = new EncodedFeed(workload.records)) {
            JobConfig config = JobUnderTest.config(proxy.endpoint(), null);
            long flushIntervalMs = config.flushInterval().toMillis();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(parallelism);
            List<MaterializedView> views = JobUnderTest.buildFed(env, config, feed, ddb);

            progress.print(
                    String.format(
                            Locale.ROOT,
                            "pipeline: %,d events through a MiniCluster (parallelism %d), flush"
                                    + " interval %d ms, DynamoDB Local behind a counting proxy",
                            events,
                            parallelism,
                            flushIntervalMs));
            ScheduledExecutorService ticker =
                    Executors.newSingleThreadScheduledExecutor(
                            task -> {
                                Thread thread = new Thread(task, "benchmark-progress");
                                thread.setDaemon(true);
                                return thread;
                            });
            ticker.scheduleAtFixedRate(
                    () ->
                            progress.print(
                                    String.format(
                                            Locale.ROOT,
                                            "pipeline: %,d decoded, %,d item writes in %,d"
                                                    + " BatchWriteItem calls",
                                            feed.decodedCount(),
                                            totalWrites(proxy, views, config),
                                            proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM))),
                    5,
                    5,
                    TimeUnit.SECONDS);
            double cpu0 = MeasuredEnv.cpuSeconds();
            long t0 = System.nanoTime();
            try {
                env.execute("changeviews-benchmark");
            } finally {
                ticker.shutdownNow();
            }
            double seconds = Progress.secondsSince(t0);
            double cpuSeconds = MeasuredEnv.cpuSeconds() - cpu0;
            double startUpSeconds = (feed.firstDecodeNanos() - t0) / 1e9;

            long viewWrites = proxy.itemWrites(JobUnderTest.VIEW_TABLE);
            long allWrites = totalWrites(proxy, views, config);
            long batchCalls = proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM);
            List<String> perTable = new ArrayList<>();
            for (MaterializedView v : views) {
                long n = proxy.itemWrites(v.spec.targetTable());
                if (n > 0) {
                    perTable.add(String.format(Locale.ROOT, "%s %,d", v.spec.targetTable(), n));
                }
            }
            perTable.add(
                    String.format(
                            Locale.ROOT,
                            "dead letters %,d",
                            proxy.itemWrites(config.deadLetterTable())));
            String writesPerTable = String.join(", ", perTable);
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "pipeline: done in %.1f s (%.1f s until the first record): %s events/s;"
                                    + " item writes: %s; %,d BatchWriteItem calls",
                            seconds,
                            startUpSeconds,
                            Report.rate(events / seconds),
                            writesPerTable,
                            batchCalls));
            String check = verify(ddb, workload.totals.expectedSums, progress);
            return new EndToEnd(
                    views,
                    parallelism,
                    flushIntervalMs,
                    seconds,
                    cpuSeconds,
                    startUpSeconds,
                    viewWrites,
                    allWrites,
                    batchCalls,
                    writesPerTable,
                    check);
        }
    }

    /** Item writes that landed in the views' tables and the dead-letter table. */
    private static long totalWrites(
            FaultyDynamoDbProxy proxy, List<MaterializedView> views, JobConfig config) {
        long n = proxy.itemWrites(config.deadLetterTable());
        for (MaterializedView v : views) {
            n += proxy.itemWrites(v.spec.targetTable());
        }
        return n;
    }

    /** Compares the view's table with the sums of the generator's live orders. */
    static String verify(DynamoDbClient ddb, Map<String, Long> expectedSums, Progress progress) {
        Map<String, Map<String, String>> actual =
                LocalTables.scanAsText(ddb, JobUnderTest.VIEW_TABLE, JobUnderTest.VIEW_KEY);
        long matching = 0;
        long wrong = 0;
        long missing = 0;
        for (Map.Entry<String, Long> e : expectedSums.entrySet()) {
            Map<String, String> item = actual.get(e.getKey());
            if (item == null) {
                missing++;
            } else if (e.getValue().toString().equals(item.get("quantity"))) {
                matching++;
            } else {
                wrong++;
            }
        }
        long extra = actual.keySet().stream().filter(k -> !expectedSums.containsKey(k)).count();
        String verdict =
                wrong + missing + extra == 0
                        ? String.format(Locale.ROOT, "OK (%,d keys)", matching)
                        : String.format(
                                Locale.ROOT,
                                "MISMATCH (%,d ok, %,d wrong, %,d missing, %,d extra)",
                                matching,
                                wrong,
                                missing,
                                extra);
        progress.print("verify: " + JobUnderTest.VIEW_TABLE + " " + verdict);
        return verdict;
    }
}
