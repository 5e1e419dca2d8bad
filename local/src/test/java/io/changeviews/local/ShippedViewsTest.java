package io.changeviews.local;

import io.changeviews.job.ChangeViewsPipeline;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.ops.RepoPaths;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs each view of the shipped configuration over random changes delivered with duplicates and
 * reordering, and compares its materialized result with a recomputation from the final tables.
 */
class ShippedViewsTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static JobConfig config;
    private static SeedWorkload workload;

    @BeforeAll
    static void load() throws Exception {
        config = JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()));
        workload = SeedWorkload.random(42, 3_000);
    }

    /** The view's final content after applying its changelog as the DynamoDB sink would: key → row. */
    private static Map<String, List<String>> materialize(List<ChangeEvent> deliveries, String viewName) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        List<DecodeResult> records = deliveries.stream().map(DecodeResult::of).collect(Collectors.toList());
        ChangeViewsPipeline.registerSourceTables(tEnv, config, env.fromCollection(records, TypeInformation.of(DecodeResult.class)));
        ViewSpec view = config.views().stream().filter(v -> v.name().equals(viewName)).findFirst().orElseThrow();
        for (ViewSpec other : config.views()) {
            tEnv.createTemporaryView(other.name(), tEnv.sqlQuery(other.sql()));
        }
        List<String> columns = tEnv.sqlQuery(view.sql()).getResolvedSchema().getColumnNames();
        Function<Row, String> key = row -> view.targetKey().stream()
                .map(k -> text(row.getField(columns.indexOf(k))))
                .collect(Collectors.joining("|"));
        Map<String, List<String>> table = new TreeMap<>();
        try (CloseableIterator<Row> it = tEnv.sqlQuery(view.sql()).execute().collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < row.getArity(); i++) {
                        values.add(text(row.getField(i)));
                    }
                    table.put(key.apply(row), values);
                } else if (row.getKind() == RowKind.DELETE) {
                    table.remove(key.apply(row));
                }
            }
        }
        return table;
    }

    /** A value as the DynamoDB sink writes it: numbers in plain notation, null as no attribute. */
    private static String text(Object v) {
        if (v instanceof Double) {
            return ExpectedViews.plain(BigDecimal.valueOf((Double) v));
        }
        return v instanceof BigDecimal ? ExpectedViews.plain((BigDecimal) v) : v == null ? null : v.toString();
    }

    @Test
    void itemCountByDateEqualsTheTableState() throws Exception {
        assertThat(materialize(workload.deliveries, "item_count_by_date")).isEqualTo(workload.expected().of("item_count_by_date"));
    }

    @Test
    void invoiceViewsEqualTheTableState() throws Exception {
        assertThat(materialize(workload.deliveries, "invoice_totals")).isEqualTo(workload.expected().of("invoice_totals"));
        assertThat(materialize(workload.deliveries, "invoice_country_sales")).isEqualTo(workload.expected().of("invoice_country_sales"));
    }

    @Test
    void customerTotalsAndTopTenEqualTheTableState() throws Exception {
        assertThat(materialize(workload.deliveries, "customer_totals")).isEqualTo(workload.expected().of("customer_totals"));
        assertThat(materialize(workload.deliveries, "top_customers")).isEqualTo(workload.expected().of("top_customers"));
    }

    @Test
    void ordersPerItemMinuteCountsEveryInsertOnceIncludingLateOnes() throws Exception {
        assertThat(materialize(workload.deliveries, "orders_per_item_minute")).isEqualTo(workload.expected().of("orders_per_item_minute"));
    }

    @Test
    void reviewSentimentItemsSummariesAndHourlyCountsEqualTheTableState() throws Exception {
        for (String view : List.of("review_sentiment", "review_summary", "review_sentiment_hourly")) {
            assertThat(materialize(workload.deliveries, view)).as(view).isEqualTo(workload.expected().of(view));
        }
    }

    @Test
    void theAwsWalkthroughReadsFortyAndStaysRightAfterAModifyAndADelete() throws Exception {
        long t = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1000;
        ChangeEvent first = order(ChangeType.INSERT, "1", t, null, "10");
        ChangeEvent second = order(ChangeType.INSERT, "2", t + 1000, null, "30");
        assertThat(materialize(List.of(first, second), "item_count_by_date"))
                .containsExactly(Map.entry("item123|2026-11-22", List.of("item123", "2026-11-22", "40")));
        ChangeEvent modify = order(ChangeType.MODIFY, "1", t + 2000, "10", "15");
        assertThat(materialize(List.of(first, second, modify), "item_count_by_date"))
                .containsExactly(Map.entry("item123|2026-11-22", List.of("item123", "2026-11-22", "45")));
        ChangeEvent remove = order(ChangeType.REMOVE, "2", t + 3000, "30", null);
        assertThat(materialize(List.of(first, second, modify, remove), "item_count_by_date"))
                .containsExactly(Map.entry("item123|2026-11-22", List.of("item123", "2026-11-22", "15")));
        ChangeEvent removeOther = order(ChangeType.REMOVE, "1", t + 4000, "15", null);
        assertThat(materialize(List.of(first, second, modify, remove, removeOther), "item_count_by_date")).isEmpty();
    }

    private static ChangeEvent order(ChangeType type, String id, long micros, String oldQty, String newQty) {
        Map<String, DdbValue> keys = Map.of("orderid", DdbValue.s(id), "order_date", DdbValue.s("2026-11-22T10:00:00"));
        return new ChangeEvent("Order_by_item", type, keys, image(keys, oldQty), image(keys, newQty), micros, "e" + id + type + micros, null, false);
    }

    private static Map<String, DdbValue> image(Map<String, DdbValue> keys, String qty) {
        if (qty == null) {
            return null;
        }
        Map<String, DdbValue> m = new TreeMap<>(keys);
        m.put("item_number", DdbValue.s("item123"));
        m.put("quantity", DdbValue.n(new BigDecimal(qty)));
        return m;
    }
}
