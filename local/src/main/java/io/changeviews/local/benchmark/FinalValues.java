package io.changeviews.local.benchmark;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final Map<String, Values> RUNS = new ConcurrentHashMap<>();

    private final String run = UUID.randomUUID().toString();

    FinalValues() {
        RUNS.put(run, new Values());
    }

    @Override
    public SinkWriter<Row> createWriter(InitContext context) {
        Values run = RUNS.get(this.run);
        Map<String, BigDecimal> values = run.latest;
        return new SinkWriter<Row>() {
            @Override
            public void write(Row row, Context context) {
                run.firstWriteNanos.compareAndSet(0, System.nanoTime());
                String key = row.getField(0) + "|" + row.getField(1);
                if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                    values.put(key, (BigDecimal) row.getField(2));
                } else {
                    values.remove(key);
                }
            }

            @Override
            public void flush(boolean endOfInput) {
                if (endOfInput) {
                    run.endOfInput(System.nanoTime(), MeasuredEnv.cpuSeconds());
                }
            }

            @Override
            public void close() {}
        };
    }

    /** Whether the run's values are {@code expected} now; for a run that does not end. */
    boolean matches(Map<String, Long> expected) {
        return current(RUNS.get(run)).equals(expected);
    }

    /** When the run's first row arrived, by {@link System#nanoTime()}; 0 before. */
    long firstWriteNanos() {
        return RUNS.get(run).firstWriteNanos.get();
    }

    /**
     * When the last of the sink's instances reached the end of its input, by {@link
     * System#nanoTime()}, and the JVM's CPU seconds then; 0 and 0 before.
     */
    long endOfInputNanos() {
        return RUNS.get(run).endOfInputNanos();
    }

    double cpuSecondsAtEndOfInput() {
        return RUNS.get(run).cpuAtEndOfInput();
    }

    /** Compares the run's values with {@code expected} and lets them go. */
    String check(Map<String, Long> expected) {
        Map<String, Long> got = current(RUNS.remove(run));
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

    private static Map<String, Long> current(Values run) {
        Map<String, Long> got = new HashMap<>();
        run.latest.forEach((k, v) -> got.put(k, v.longValueExact()));
        return got;
    }

    /** One run's latest value per key, the time of its first row and of its end of input. */
    private static final class Values {
        final Map<String, BigDecimal> latest = new ConcurrentHashMap<>();
        final AtomicLong firstWriteNanos = new AtomicLong();
        private long endOfInputNanos;
        private double cpuAtEndOfInput;

        synchronized void endOfInput(long nanos, double cpuSeconds) {
            if (nanos > endOfInputNanos) {
                endOfInputNanos = nanos;
                cpuAtEndOfInput = cpuSeconds;
            }
        }

        // Written by the sink's task threads, read by the benchmark's: under the same lock.
        synchronized long endOfInputNanos() {
            return endOfInputNanos;
        }

        synchronized double cpuAtEndOfInput() {
            return cpuAtEndOfInput;
        }
    }
}
