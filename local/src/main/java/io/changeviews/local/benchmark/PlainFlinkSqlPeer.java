package io.changeviews.local.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
 * ChangelogNormalize handles updates and deletes, the same GROUP BY with the same mini-batch), no
 * tuning; its final result is checked like the job's.
 */
final class PlainFlinkSqlPeer {
    private static final String NAME = "plain Flink SQL peer";

    private static final TypeInformation<Row> ROW_TYPE =
            Types.ROW_NAMED(
                    new String[] {"orderid", "order_date", "item_number", "quantity"},
                    Types.STRING,
                    Types.STRING,
                    Types.STRING,
                    Types.BIG_DEC);

    private PlainFlinkSqlPeer() {}

    /** Runs {@code viewSql} over the records and checks it against the final sums. */
    static ComputeRun measure(
            byte[][] records,
            String viewSql,
            long miniBatchLatencyMs,
            int parallelism,
            MeasuredEnv.Backend backend,
            Map<String, Long> expectedSums,
            Progress progress)
            throws Exception {
        try (EncodedFeed feed = new EncodedFeed(records)) {
            StreamExecutionEnvironment env = MeasuredEnv.create(parallelism, backend);
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
            tEnv.createTemporaryView(JobUnderTest.ORDERS, orders);
            FinalValues values = new FinalValues();
            tEnv.toChangelogStream(tEnv.sqlQuery(viewSql)).sinkTo(values).name("Final values");
            return ComputeRun.execute(
                    NAME, parallelism, backend, feed, null, env, values, expectedSums, progress);
        }
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
}
