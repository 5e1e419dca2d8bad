package io.changeviews.local.benchmark;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * A sink keeping the latest {@code (item_number, order_date) → quantity} of a view's changelog in
 * this JVM, so that a run without DynamoDB is still checked against the workload's final sums.
 */
final class FinalValues implements Sink<Row> {
    private static final long serialVersionUID = 1L;

    // The sink's copies run in this JVM's MiniCluster: they fill their run's map here.
    private static final Map<String, Map<String, BigDecimal>> RUNS = new ConcurrentHashMap<>();

    private final String run = UUID.randomUUID().toString();

    FinalValues() {
        RUNS.put(run, new ConcurrentHashMap<>());
    }

    @Override
    public SinkWriter<Row> createWriter(InitContext context) {
        Map<String, BigDecimal> values = RUNS.get(run);
        return new SinkWriter<Row>() {
            @Override
            public void write(Row row, Context context) {
                String key = row.getField(0) + "|" + row.getField(1);
                if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                    values.put(key, (BigDecimal) row.getField(2));
                } else {
                    values.remove(key);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** Compares the run's values with {@code expected} and lets them go. */
    String check(Map<String, Long> expected) {
        Map<String, Long> got = new HashMap<>();
        RUNS.remove(run).forEach((k, v) -> got.put(k, v.longValueExact()));
        if (got.equals(expected)) {
            return String.format(Locale.ROOT, "OK (%,d keys)", got.size());
        }
        long wrong =
                expected.keySet().stream().filter(k -> !expected.get(k).equals(got.get(k))).count();
        return String.format(
                Locale.ROOT,
                "MISMATCH (%,d of %,d keys differ, %,d keys found)",
                wrong,
                expected.size(),
                got.size());
    }
}
