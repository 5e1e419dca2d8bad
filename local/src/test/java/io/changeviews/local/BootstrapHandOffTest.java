package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hand-off from a table's snapshot to its stream, on hand-made cases through the whole pipeline
 * (MiniCluster, parallelism 2, {@link CollectingPipelineIo} with an injected snapshot of {@code
 * Order_by_item}): each case is one item number, so each is one row of {@code item_count_by_date}.
 */
class BootstrapHandOffTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String ORDERS = SampleData.ORDERS;
    private static final long SNAPSHOT =
            Instant.parse("2026-11-22T12:00:00Z").toEpochMilli() * 1000;
    private static final long SECOND = 1_000_000;

    private final List<ChangeEvent> snapshot = new ArrayList<>();
    private final List<DecodeResult> stream = new ArrayList<>();

    @Test
    void theStreamTakesOverFromTheSnapshotByChangeTime() throws Exception {
        // A change after the scan replaces the scanned image.
        scanned("newer", "1", 10);
        streamed("newer", "1", ChangeType.MODIFY, SNAPSHOT + SECOND, 25);
        // One before it (the scan already reflects it) is stale.
        scanned("older", "1", 10);
        streamed("older", "1", ChangeType.MODIFY, SNAPSHOT - SECOND, 99);
        // A delete after the scan retracts the scanned item.
        scanned("removed", "1", 10);
        streamed("removed", "1", ChangeType.REMOVE, SNAPSHOT + SECOND, null);
        // Items the stream never saw are counted once.
        scanned("unseen", "1", 10);
        scanned("unseen", "2", 5);
        // An item inserted and deleted before the scan is absent, and its REMOVE meets no state.
        streamed("gone", "1", ChangeType.INSERT, SNAPSHOT - 2 * SECOND, 7);
        streamed("gone", "1", ChangeType.REMOVE, SNAPSHOT - SECOND, null);
        // A change at the snapshot time itself is taken as the newer one.
        scanned("tie", "1", 10);
        streamed("tie", "1", ChangeType.MODIFY, SNAPSHOT, 11);

        Map<String, Map<String, List<String>>> views =
                run("item_count_by_date", "orders_per_item_minute");
        assertThat(views.get("item_count_by_date"))
                .containsOnlyKeys(
                        "newer|2026-11-22",
                        "older|2026-11-22",
                        "unseen|2026-11-22",
                        "tie|2026-11-22")
                .containsEntry("newer|2026-11-22", List.of("newer", "2026-11-22", "25"))
                .containsEntry("older|2026-11-22", List.of("older", "2026-11-22", "10"))
                .containsEntry("unseen|2026-11-22", List.of("unseen", "2026-11-22", "15"))
                .containsEntry("tie|2026-11-22", List.of("tie", "2026-11-22", "11"));
        assertThat(views.get("orders_per_item_minute"))
                .as("snapshot items are no inserts of the changes table")
                .containsOnlyKeys("gone|2026-11-22T11:59");
    }

    private Map<String, Map<String, List<String>>> run(String... names) throws Exception {
        Map<String, Map<String, String>> overrides = new TreeMap<>();
        overrides.put(JobConfig.TABLE_PREFIX + ORDERS, Map.of(JobConfig.TABLE_SNAPSHOT, "scan"));
        JobConfig config =
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                overrides));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        CollectingPipelineIo io =
                new CollectingPipelineIo(config, stream, Map.of(ORDERS, snapshot));
        List<MaterializedView> views = ChangeViewsPipeline.build(env, config, io);
        env.execute("bootstrap-hand-off");
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        for (String name : names) {
            MaterializedView view =
                    views.stream()
                            .filter(v -> v.spec.name().equals(name))
                            .findFirst()
                            .orElseThrow();
            out.put(name, ViewTable.of(view, io.table(name)));
        }
        return out;
    }

    private void scanned(String item, String order, long quantity) {
        snapshot.add(
                ChangeEvent.snapshotItem(
                        ORDERS, keys(item, order), image(item, order, quantity), SNAPSHOT));
    }

    private void streamed(
            String item, String order, ChangeType type, long micros, Integer quantity) {
        stream.add(
                DecodeResult.of(
                        new ChangeEvent(
                                ORDERS,
                                type,
                                keys(item, order),
                                null,
                                quantity == null ? null : image(item, order, quantity),
                                micros,
                                "e-" + item + order + type + micros,
                                Long.toString(1000 + stream.size()),
                                false)));
    }

    private static Map<String, DdbValue> keys(String item, String order) {
        return Map.of(
                "orderid",
                DdbValue.s(item + "-" + order),
                "order_date",
                DdbValue.s("2026-11-22T10:00:00"));
    }

    private static Map<String, DdbValue> image(String item, String order, long quantity) {
        Map<String, DdbValue> m = new TreeMap<>(keys(item, order));
        m.put("item_number", DdbValue.s(item));
        m.put("quantity", DdbValue.n(BigDecimal.valueOf(quantity)));
        return m;
    }
}
