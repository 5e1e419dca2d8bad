package io.changeviews.local;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.materialize.ViewKeySelector;
import io.changeviews.job.materialize.WriteCoalescer;
import io.changeviews.job.ops.EndpointProperties;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The write-order tests' workload: value i goes to key {@code k<i mod keys>}, in order from one
 * source subtask, through the coalescer into a view sink, so each key's values only grow; plus
 * reading back what DynamoDB received (the proxy's log) and holds.
 */
final class GrowingValues {
    static final List<String> COLUMNS = Arrays.asList("k", "v");
    static final RowItemConverter CONVERTER = new RowItemConverter(COLUMNS, List.of("k"));
    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<DeadLetter>("dead-letters") {};
    private static final TypeInformation<Row> ROW =
            Types.ROW_NAMED(new String[] {"k", "v"}, Types.STRING, Types.BIG_DEC);

    final int keys;
    final int values;

    GrowingValues(int keys, int values) {
        this.keys = keys;
        this.values = values;
    }

    static void createTable(DynamoDbClient ddb, String table) {
        ddb.createTable(
                b ->
                        b.tableName(table)
                                .keySchema(k -> k.attributeName("k").keyType("HASH"))
                                .attributeDefinitions(a -> a.attributeName("k").attributeType("S"))
                                .billingMode("PAY_PER_REQUEST"));
    }

    static Properties aws(String endpoint) {
        Properties p = new Properties();
        p.putAll(EndpointProperties.forEndpoint(endpoint));
        return p;
    }

    void pipeline(
            StreamExecutionEnvironment env,
            String table,
            MapFunction<Long, Long> beforeWrite,
            Sink<Row> sink) {
        int keys = this.keys;
        DataStream<Row> rows =
                env.fromSequence(1, values)
                        .setParallelism(1)
                        .map(beforeWrite)
                        .setParallelism(1)
                        .map(
                                i ->
                                        Row.ofKind(
                                                RowKind.UPDATE_AFTER,
                                                "k" + (i % keys),
                                                BigDecimal.valueOf(i)),
                                ROW)
                        .setParallelism(1);
        rows.keyBy(new ViewKeySelector(CONVERTER))
                .transform(
                        "Coalesce writes of " + table,
                        ROW,
                        new WriteCoalescer(
                                table,
                                CONVERTER,
                                ROW,
                                Duration.ofMillis(5),
                                DEAD_LETTERS,
                                Set.of()))
                .sinkTo(sink);
    }

    /** Each key's values in the order DynamoDB acknowledged their writes. */
    static Map<String, List<Long>> landed(FaultyDynamoDbProxy proxy, String table) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (FaultyDynamoDbProxy.ObservedWrite w : proxy.writes()) {
            if (w.table().equals(table)) {
                String key = w.key().replaceAll(".*\"S\":\"([^\"]+)\".*", "$1");
                long value =
                        Long.parseLong(w.item().replaceAll(".*\"v\":\\{\"N\":\"(\\d+)\"}.*", "$1"));
                out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
        return out;
    }

    static Map<String, Long> finalValues(DynamoDbClient ddb, String table) {
        Map<String, Long> out = new HashMap<>();
        for (Map<String, AttributeValue> item : ddb.scan(b -> b.tableName(table)).items()) {
            out.put(item.get("k").s(), Long.parseLong(item.get("v").n()));
        }
        return out;
    }

    /** What every key must end at: its last value. */
    Map<String, Long> newestValues() {
        Map<String, Long> out = new HashMap<>();
        for (long i = values - keys + 1; i <= values; i++) {
            out.put("k" + (i % keys), i);
        }
        return out;
    }

    /**
     * Spreads the values over a few seconds so that many flush intervals, and so many batches,
     * pass.
     */
    static final class Pace implements MapFunction<Long, Long> {
        @Override
        public Long map(Long i) throws Exception {
            if (i % 10 == 0) {
                Thread.sleep(10);
            }
            return i;
        }
    }
}
