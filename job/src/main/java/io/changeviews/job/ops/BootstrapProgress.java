package io.changeviews.job.ops;

import io.changeviews.connectors.aws.AwsAsyncClients;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * What the local runner and the backfill command print about a running bootstrap: items scanned
 * against the tables' estimated item count, segments done, and when every snapshot is done.
 */
public final class BootstrapProgress {
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(10);

    private final JobMetrics metrics;
    private final long estimatedItems;
    private final long startNanos = System.nanoTime();
    private long doneAfterMillis = -1;

    /** The most snapshot items any poll saw: the counts go when the snapshot's tasks finish. */
    private long itemsSeen;

    private BootstrapProgress(JobMetrics metrics, long estimatedItems) {
        this.metrics = metrics;
        this.estimatedItems = estimatedItems;
    }

    /**
     * Follows the job's snapshots, estimating their size from DescribeTable's item count (which
     * DynamoDB refreshes about every six hours, so the percentage is approximate); null when no
     * table is snapshotted.
     */
    public static BootstrapProgress of(JobConfig config, JobMetrics metrics) {
        List<SourceTableSpec> tables = config.snapshotTables();
        if (tables.isEmpty()) {
            return null;
        }
        long estimate = 0;
        try (DynamoDbAsyncClient ddb =
                AwsAsyncClients.dynamoDb(config.dynamoDbProperties(), DESCRIBE_TIMEOUT, 1)
                        .create()) {
            for (SourceTableSpec t : tables) {
                Long count =
                        ddb.describeTable(b -> b.tableName(t.dynamoDbTable()))
                                .join()
                                .table()
                                .itemCount();
                estimate += count == null ? 0 : count;
            }
        }
        return new BootstrapProgress(metrics, estimate);
    }

    /**
     * The overrides that bootstrap every declared table of {@code groups} by a Scan, keeping any
     * snapshot settings already there.
     */
    public static Map<String, Map<String, String>> scanEveryTable(Map<String, Properties> groups) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String group : groups.keySet()) {
            if (group.startsWith(JobConfig.TABLE_PREFIX)
                    && !groups.get(group).containsKey(JobConfig.TABLE_SNAPSHOT)) {
                out.put(group, Map.of(JobConfig.TABLE_SNAPSHOT, "scan"));
            }
        }
        return out;
    }

    /**
     * True once every table's snapshot is done: the job's {@code snapshotDone} gauge says so, or
     * the views' writes are no longer held ({@code viewWritesHeld} 0). The second matters because
     * the snapshot's operators finish with it and their metrics go with them: a small table can be
     * read between two of the Web UI's metric fetches (every 10 s), and its gauge is then never
     * seen.
     */
    public boolean done() throws IOException, InterruptedException {
        if (doneAfterMillis < 0
                && (metrics.max("snapshotDone") == 1 || metrics.max("viewWritesHeld") == 0)) {
            doneAfterMillis = (System.nanoTime() - startNanos) / 1_000_000;
        }
        return doneAfterMillis >= 0;
    }

    /**
     * One line: items scanned so far (and percent of the estimate) and segments, or once done the
     * items read and when it finished.
     */
    public String line() throws IOException, InterruptedException {
        if (done()) {
            // The finished segments' counts, from checkpointed state: exact across restores.
            itemsSeen = Math.max(itemsSeen, (long) metrics.sum("snapshotItemsRead"));
            return itemsSeen > 0
                    ? String.format(
                            "snapshot done: %,d items, %.1f s after the start",
                            itemsSeen, doneAfterMillis / 1000.0)
                    : String.format(
                            "snapshot done %.1f s after the start (it finished before its counts"
                                    + " were read)",
                            doneAfterMillis / 1000.0);
        }
        long items = (long) metrics.sum("snapshotItemsScanned");
        itemsSeen = Math.max(itemsSeen, (long) metrics.sum("snapshotItemsRead"));
        String percent =
                estimatedItems > 0
                        ? String.format(" (%d %%)", Math.min(100, 100 * items / estimatedItems))
                        : "";
        return String.format(
                "snapshot: %,d of about %,d items%s, %d/%d segments",
                items,
                estimatedItems,
                percent,
                (long) metrics.sum("snapshotSegmentsDone"),
                (long) metrics.sum("snapshotSegmentsTotal"));
    }
}
