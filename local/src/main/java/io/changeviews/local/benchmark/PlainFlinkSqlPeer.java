package io.changeviews.local.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * The peer every figure is read against: a plain Flink SQL job doing the same {@code
 * item_count_by_date} over the same records, as a Flink user would write it without this product
 * (Jackson decode, {@code fromChangelogStream} in upsert mode on the table's key so that Flink's
 * ChangelogNormalize handles updates and deletes, the same GROUP BY with the same mini-batch),
 * parallelism 2, heap state, no tuning; its final result is checked like the job's.
 */
final class PlainFlinkSqlPeer {
    // The sink's copies run in this JVM's MiniCluster: they fill the run's map here.
    private static final Map<String, Map<String, BigDecimal>> RESULTS = new ConcurrentHashMap<>();

    final double seconds;
    final String check;

    private PlainFlinkSqlPeer(double seconds, String check) {
        this.seconds = seconds;
        this.check = check;
    }

    /** Runs {@code viewSql} over the workload's records and checks it against the final sums. */
    static PlainFlinkSqlPeer measure(
            byte[][] records,
            String viewSql,
            long miniBatchLatencyMs,
            Map<String, Long> expectedSums,
            Progress progress)
            throws Exception {
        String run = UUID.randomUUID().toString();
        RESULTS.put(run, new ConcurrentHashMap<>());
        try (EncodedFeed feed = new EncodedFeed(records)) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(BenchmarkOptions.PARALLELISM);
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
            tEnv.getConfig().set("table.exec.mini-batch.enabled", "true");
            tEnv.getConfig().set("table.exec.mini-batch.allow-latency", miniBatchLatencyMs + " ms");
            tEnv.getConfig().set("table.exec.mini-batch.size", "5000");
            DataStream<Row> rows =
                    feed.encoded(env, "Pre-encoded KDS records")
                            .map(new JacksonDecode(), ROW_TYPE)
                            .name("Jackson decode");
            Table orders =
                    tEnv.fromChangelogStream(
                            rows,
                            Schema.newBuilder()
                                    .column("orderid", DataTypes.STRING().notNull())
                                    .column("order_date", DataTypes.STRING().notNull())
                                    .column("item_number", DataTypes.STRING())
                                    .column("quantity", DataTypes.DECIMAL(38, 4))
                                    .primaryKey("orderid", "order_date")
                                    .build(),
                            ChangelogMode.upsert());
            tEnv.createTemporaryView("Order_by_item", orders);
            tEnv.toChangelogStream(tEnv.sqlQuery(viewSql))
                    .sinkTo(new FinalValues(run))
                    .name("Final values");
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "plain Flink SQL peer: %,d events, parallelism %d, heap state",
                            records.length,
                            BenchmarkOptions.PARALLELISM));
            long t0 = System.nanoTime();
            env.execute("plain-flink-sql-peer");
            double seconds = Progress.secondsSince(t0);
            String check = verify(RESULTS.get(run), expectedSums);
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "plain Flink SQL peer: done in %.1f s: %s events/s; result %s",
                            seconds,
                            Report.rate(records.length / seconds),
                            check));
            return new PlainFlinkSqlPeer(seconds, check);
        } finally {
            RESULTS.remove(run);
        }
    }

    private static final TypeInformation<Row> ROW_TYPE =
            Types.ROW_NAMED(
                    new String[] {"orderid", "order_date", "item_number", "quantity"},
                    Types.STRING,
                    Types.STRING,
                    Types.STRING,
                    Types.BIG_DEC);

    private static String verify(Map<String, BigDecimal> actual, Map<String, Long> expected) {
        Map<String, Long> got = new HashMap<>();
        actual.forEach((k, v) -> got.put(k, v.longValueExact()));
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

    /** A KDS-for-DynamoDB record as an upsert row: the new image, or the key to delete. */
    private static final class JacksonDecode implements MapFunction<byte[], Row> {
        private static final long serialVersionUID = 1L;
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public Row map(byte[] record) {
            JsonNode root;
            try {
                root = JSON.readTree(record);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JsonNode ddb = root.path("dynamodb");
            boolean remove = "REMOVE".equals(root.path("eventName").asText());
            JsonNode image = ddb.path(remove ? "OldImage" : "NewImage");
            JsonNode quantity = image.path("quantity").path("N");
            return Row.ofKind(
                    remove ? RowKind.DELETE : RowKind.UPDATE_AFTER,
                    image.path("orderid").path("S").asText(),
                    image.path("order_date").path("S").asText(),
                    image.path("item_number").path("S").asText(null),
                    quantity.isMissingNode() ? null : new BigDecimal(quantity.asText()));
        }
    }

    /** Keeps each view key's latest value, in the run's map. */
    private static final class FinalValues implements Sink<Row> {
        private static final long serialVersionUID = 1L;
        private final String run;

        FinalValues(String run) {
            this.run = run;
        }

        @Override
        public SinkWriter<Row> createWriter(InitContext context) {
            Map<String, BigDecimal> values = RESULTS.get(run);
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
    }
}
