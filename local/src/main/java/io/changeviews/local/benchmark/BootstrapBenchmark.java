package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.JobConfig;
import io.changeviews.local.LocalDynamoDb;
import io.changeviews.local.LocalTables;
import io.changeviews.local.SampleData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The bootstrap's speed: a table's Scan snapshot through the job (parallelism 2, with a few stream
 * changes after it) until its views are written, next to a bare single-thread Scan loop over the
 * same table, the limit of what DynamoDB Local serves.
 */
final class BootstrapBenchmark {
    /** The page size of the bare loop and of the job's scan (the job's default). */
    static final int PAGE_SIZE = 1000;

    /** High enough that the read-capacity budget never paces the measured scan. */
    private static final String UNPACED_RCU_PER_SECOND = "1000000";

    final int items;
    final int streamChanges;
    final int totalSegments;
    final double bareScanSeconds;
    final double jobSeconds;
    final String check;

    private BootstrapBenchmark(
            int items,
            int streamChanges,
            int totalSegments,
            double bareScanSeconds,
            double jobSeconds,
            String check) {
        this.items = items;
        this.streamChanges = streamChanges;
        this.totalSegments = totalSegments;
        this.bareScanSeconds = bareScanSeconds;
        this.jobSeconds = jobSeconds;
        this.check = check;
    }

    /**
     * Fills {@code Order_by_item} with {@code items} orders over {@code itemNumbers} items, scans
     * it bare, then bootstraps the job from it with 1 % of the orders updated on the stream.
     */
    static BootstrapBenchmark measure(
            LocalDynamoDb dynamoDb, int items, int itemNumbers, Progress progress)
            throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        LocalTables.createSourceTables(ddb, false);
        Random random = new Random(BenchmarkOptions.SEED);
        List<Order> orders = new ArrayList<>();
        List<Map<String, DdbValue>> images = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            Order o =
                    new Order(
                            "snap-" + i,
                            Workload.orderDate(random),
                            Workload.item(random, itemNumbers),
                            1 + i % 20);
            orders.add(o);
            images.add(AttributeCodec.fromSdk(o.image()));
        }
        progress.print(String.format(Locale.ROOT, "bootstrap: writing %,d orders", items));
        LocalTables.writeItems(ddb, SampleData.ORDERS, images);

        double bareScanSeconds = bareScan(ddb, items, progress);

        // Newer than any snapshot item: these updates must replace the scanned images.
        Instant later = Instant.now().plusSeconds(3_600);
        int streamChanges = Math.max(1, items / 100);
        byte[][] records = new byte[streamChanges][];
        for (int j = 0; j < streamChanges; j++) {
            int k = random.nextInt(items);
            Order before = orders.get(k);
            Order after = new Order(before.id, before.date, before.item, before.quantity + 1_000);
            orders.set(k, after);
            records[j] =
                    Order.encode(
                            "bootstrap-" + j,
                            ChangeType.MODIFY,
                            later.plusMillis(j),
                            before,
                            after);
        }
        Map<String, Long> expectedSums = new HashMap<>();
        for (Order o : orders) {
            expectedSums.merge(o.item + "|" + o.day(), (long) o.quantity, Long::sum);
        }

        Map<String, Map<String, String>> overrides = new HashMap<>();
        overrides.put(
                JobConfig.TABLE_PREFIX + SampleData.ORDERS,
                Map.of(
                        JobConfig.TABLE_SNAPSHOT,
                        "scan",
                        JobConfig.SNAPSHOT_PAGE_SIZE,
                        Integer.toString(PAGE_SIZE),
                        JobConfig.SNAPSHOT_RCU_PER_SECOND,
                        UNPACED_RCU_PER_SECOND));
        JobConfig config = JobUnderTest.config(dynamoDb.endpoint(), null, overrides);
        int totalSegments =
                config.snapshotTables()
                        .get(0)
                        .snapshot()
                        .totalSegments(BenchmarkOptions.PARALLELISM);
        double jobSeconds;
        try (EncodedFeed feed = new EncodedFeed(records)) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(BenchmarkOptions.PARALLELISM);
            List<MaterializedView> views =
                    JobUnderTest.build(
                            env,
                            config,
                            feed.decoded(env, "Pre-encoded KDS records", JobUnderTest.STREAM));
            // Fresh view tables: an earlier phase wrote the same view.
            views.forEach(v -> LocalTables.delete(ddb, v.spec.targetTable()));
            LocalTables.createTargetTables(ddb, views);
            LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "bootstrap: the job scans %,d orders in %d segments (parallelism %d),"
                                    + " %,d stream updates after the snapshot",
                            items,
                            totalSegments,
                            BenchmarkOptions.PARALLELISM,
                            streamChanges));
            long t0 = System.nanoTime();
            env.execute("changeviews-bootstrap-benchmark");
            jobSeconds = Progress.secondsSince(t0);
        }
        progress.print(
                String.format(
                        Locale.ROOT,
                        "bootstrap: job done in %.1f s: %s items/s incl. job start",
                        jobSeconds,
                        Report.rate(items / jobSeconds)));
        String check = EndToEnd.verify(ddb, expectedSums, progress);
        return new BootstrapBenchmark(
                items, streamChanges, totalSegments, bareScanSeconds, jobSeconds, check);
    }

    /**
     * One thread, sync Scan pages of {@value #PAGE_SIZE}, items decoded as the job decodes them.
     */
    private static double bareScan(DynamoDbClient ddb, int items, Progress progress) {
        long t0 = System.nanoTime();
        long read = 0;
        for (var page : ddb.scanPaginator(b -> b.tableName(SampleData.ORDERS).limit(PAGE_SIZE))) {
            for (var item : page.items()) {
                read += AttributeCodec.fromSdk(item).size() > 0 ? 1 : 0;
            }
        }
        double seconds = Progress.secondsSince(t0);
        if (read != items) {
            throw new IllegalStateException("the bare scan read " + read + " of " + items);
        }
        progress.print(
                String.format(
                        Locale.ROOT,
                        "bootstrap: bare Scan loop read %,d items in %.1f s = %s items/s",
                        read,
                        seconds,
                        Report.rate(read / seconds)));
        return seconds;
    }
}
