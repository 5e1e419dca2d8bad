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
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the whole pipeline of the shipped configuration (MiniCluster, parallelism 2, no emulators:
 * {@link CollectingPipelineIo}) over random changes delivered with duplicates and reordering, and
 * compares every view's table with a recomputation from the final source tables.
 */
class ShippedViewsTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static JobConfig config;
    private static SeedWorkload workload;
    private static Run random;

    @BeforeAll
    static void runTheRandomWorkload() throws Exception {
        config = JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()));
        workload = SeedWorkload.random(42, 3_000);
        random = run(workload.deliveries);
    }

    /**
     * One bounded run of the job over {@code deliveries}: what it wrote, and what each view is
     * materialized as.
     */
    private static final class Run {
        final CollectingPipelineIo io;
        final List<MaterializedView> views;

        Run(CollectingPipelineIo io, List<MaterializedView> views) {
            this.io = io;
            this.views = views;
        }

        /** The view's table as key → column values. */
        Map<String, List<String>> view(String name) {
            MaterializedView view =
                    views.stream()
                            .filter(v -> v.spec.name().equals(name))
                            .findFirst()
                            .orElseThrow();
            return ViewTable.of(view, io.table(name));
        }
    }

    private static Run run(List<ChangeEvent> deliveries) throws Exception {
        return run(config, deliveries);
    }

    private static Run run(JobConfig config, List<ChangeEvent> deliveries) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        CollectingPipelineIo io =
                new CollectingPipelineIo(
                        config,
                        deliveries.stream().map(DecodeResult::of).collect(Collectors.toList()));
        List<MaterializedView> views = ChangeViewsPipeline.build(env, config, io);
        env.execute("shipped-views");
        return new Run(io, views);
    }

    @Test
    void itemCountByDateEqualsTheTableState() throws Exception {
        assertThat(random.view("item_count_by_date"))
                .isEqualTo(workload.expected().of("item_count_by_date"));
    }

    @Test
    void invoiceViewsEqualTheTableState() throws Exception {
        assertThat(random.view("invoice_totals"))
                .isEqualTo(workload.expected().of("invoice_totals"));
        assertThat(random.view("invoice_country_sales"))
                .isEqualTo(workload.expected().of("invoice_country_sales"));
    }

    @Test
    void customerTotalsAndTopTenEqualTheTableState() throws Exception {
        assertThat(random.view("customer_totals"))
                .isEqualTo(workload.expected().of("customer_totals"));
        assertThat(random.view("top_customers")).isEqualTo(workload.expected().of("top_customers"));
    }

    @Test
    void ordersPerItemMinuteCountsEveryInsertOnceIncludingLateOnes() throws Exception {
        assertThat(random.view("orders_per_item_minute"))
                .isEqualTo(workload.expected().of("orders_per_item_minute"));
    }

    @Test
    void reviewSentimentItemsSummariesAndHourlyCountsEqualTheTableState() throws Exception {
        for (String view :
                List.of("review_sentiment", "review_summary", "review_sentiment_hourly")) {
            assertThat(random.view(view)).as(view).isEqualTo(workload.expected().of(view));
        }
    }

    @Test
    void everyDeliveryIsArchivedOnceAndNoneIsADeadLetter() {
        assertThat(random.io.archived("changes")).hasSameSizeAs(workload.deliveries);
        assertThat(
                        random.io.archived("changes").stream()
                                .map(r -> r.get("event_id").toString())
                                .distinct())
                .hasSize(workload.changes.size());
        assertThat(random.io.deadLetterList()).isEmpty();
    }

    @Test
    void theAwsWalkthroughReadsFortyAndStaysRightAfterAModifyAndADelete() throws Exception {
        // The walkthrough's steps in one run: item <n> gets the walkthrough's first n + 1 changes.
        List<ChangeEvent> deliveries = new ArrayList<>();
        for (int step = 1; step <= 4; step++) {
            deliveries.addAll(walkthrough("item" + step).subList(0, step + 1));
        }
        assertThat(run(deliveries).view("item_count_by_date"))
                .containsExactly(
                        Map.entry("item1|2026-11-22", List.of("item1", "2026-11-22", "40")),
                        Map.entry("item2|2026-11-22", List.of("item2", "2026-11-22", "45")),
                        Map.entry("item3|2026-11-22", List.of("item3", "2026-11-22", "15")));
    }

    /**
     * A filter after an aggregate: SQL's changelog is taken in upsert mode, and the planner must
     * still retract a group that falls below the HAVING bound, with no row after it (item3: 45,
     * then 15 after a delete), so that its row leaves the table; item4 ends with no orders at all.
     */
    @Test
    void aViewFilteredAfterItsAggregateLosesTheRowsThatFallBelowTheFilter() throws Exception {
        JobConfig filtered =
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                Map.of(
                                        JobConfig.VIEW_PREFIX + "big_item_days",
                                        Map.of(
                                                JobConfig.VIEW_SQL,
                                                "SELECT item_number, SUBSTRING(order_date FROM 1"
                                                        + " FOR 10) AS order_date, SUM(quantity)"
                                                        + " AS quantity FROM Order_by_item GROUP BY"
                                                        + " item_number, SUBSTRING(order_date FROM"
                                                        + " 1 FOR 10) HAVING SUM(quantity) > 20",
                                                JobConfig.VIEW_TARGET_TABLE,
                                                "big_item_days",
                                                JobConfig.VIEW_TARGET_KEY,
                                                "item_number,order_date"))));
        List<ChangeEvent> deliveries = new ArrayList<>();
        for (int step = 1; step <= 4; step++) {
            deliveries.addAll(walkthrough("item" + step).subList(0, step + 1));
        }
        assertThat(run(filtered, deliveries).view("big_item_days"))
                .containsExactly(
                        Map.entry("item1|2026-11-22", List.of("item1", "2026-11-22", "40")),
                        Map.entry("item2|2026-11-22", List.of("item2", "2026-11-22", "45")));
    }

    /**
     * The README's AWS CLI walkthrough on {@code item}: orders of 10 and 30, the first modified to
     * 15, then both deleted.
     */
    private static List<ChangeEvent> walkthrough(String item) {
        long t = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1000;
        return List.of(
                order(item, ChangeType.INSERT, "1", t, null, "10"),
                order(item, ChangeType.INSERT, "2", t + 1000, null, "30"),
                order(item, ChangeType.MODIFY, "1", t + 2000, "10", "15"),
                order(item, ChangeType.REMOVE, "2", t + 3000, "30", null),
                order(item, ChangeType.REMOVE, "1", t + 4000, "15", null));
    }

    private static ChangeEvent order(
            String item, ChangeType type, String id, long micros, String oldQty, String newQty) {
        Map<String, DdbValue> keys =
                Map.of(
                        "orderid",
                        DdbValue.s(item + "-" + id),
                        "order_date",
                        DdbValue.s("2026-11-22T10:00:00"));
        return new ChangeEvent(
                "Order_by_item",
                type,
                keys,
                image(item, keys, oldQty),
                image(item, keys, newQty),
                micros,
                "e" + item + id + type + micros,
                null,
                false);
    }

    private static Map<String, DdbValue> image(
            String item, Map<String, DdbValue> keys, String qty) {
        if (qty == null) {
            return null;
        }
        Map<String, DdbValue> m = new TreeMap<>(keys);
        m.put("item_number", DdbValue.s(item));
        m.put("quantity", DdbValue.n(new BigDecimal(qty)));
        return m;
    }
}
