package io.changeviews.local.benchmark;

import io.changeviews.connectors.sink.DynamoDbSinks;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.local.FaultyDynamoDbProxy;
import io.changeviews.local.LocalDynamoDb;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * The view writers alone, side by side: items/s one parallel instance writes through the faulty
 * proxy adding 10 ms to every BatchWriteItem (as a real DynamoDB call takes) and throttling 10 % of
 * them, for the key-ordered writer at several in-flight limits and for the AWS connector's {@code
 * DynamoDbSink} with one request in flight (what the views used before).
 *
 * <p>Each run writes distinct keys straight from a sequence into a fresh table; the rate is taken
 * from the proxy's log of acknowledged writes (first to last), so job start-up does not count.
 * Arguments: {@code [items for the key-ordered writer] [items for DynamoDbSink]}.
 */
public final class WriterBenchmark {
    private static final TypeInformation<Row> ROW =
            Types.ROW_NAMED(new String[] {"k", "v"}, Types.STRING, Types.BIG_DEC);
    private static final RowItemConverter CONVERTER =
            new RowItemConverter(List.of("k", "v"), List.of("k"));
    private static final int[] IN_FLIGHT = {4, 8, 16, 32};

    private WriterBenchmark() {}

    public static void main(String[] args) throws Exception {
        int orderedItems = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
        int baselineItems = args.length > 1 ? Integer.parseInt(args[1]) : 8_000;
        List<String[]> table = new ArrayList<>();
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start();
                FaultyDynamoDbProxy proxy =
                        FaultyDynamoDbProxy.start(dynamoDb.endpoint())
                                .delayMillis(10, 10)
                                .throttleFraction(0.1)) {
            Properties aws = aws(proxy.endpoint());
            double baseline =
                    run(
                            dynamoDb,
                            proxy,
                            "bench_dynamodbsink",
                            baselineItems,
                            DynamoDbSinks.rows("bench_dynamodbsink", CONVERTER, aws));
            table.add(row("DynamoDbSink, 1 in flight", baselineItems, baseline, baseline));
            for (int inFlight : IN_FLIGHT) {
                String name = "bench_ordered_" + inFlight;
                double rate =
                        run(
                                dynamoDb,
                                proxy,
                                name,
                                orderedItems,
                                DynamoDbSinks.keyOrdered(name, CONVERTER, aws, inFlight));
                table.add(
                        row(
                                "key-ordered writer, max " + inFlight + " in flight",
                                orderedItems,
                                rate,
                                baseline));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%nView writers, one parallel instance, through a proxy adding 10 ms per"
                            + " BatchWriteItem and throttling 10 %% (%d calls, %d throttled)%n",
                    proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM),
                    proxy.throttledCalls());
            System.out.printf(
                    Locale.ROOT, "%-40s %10s %12s %8s%n", "writer", "items", "items/s", "×");
            table.forEach(
                    r -> System.out.printf(Locale.ROOT, "%-40s %10s %12s %8s%n", (Object[]) r));
        }
    }

    private static String[] row(String writer, int items, double rate, double baseline) {
        return new String[] {
            writer,
            Integer.toString(items),
            String.format(Locale.ROOT, "%,.0f", rate),
            String.format(Locale.ROOT, "%.1f", rate / baseline)
        };
    }

    /**
     * Writes {@code items} distinct keys through {@code sink}; returns the items/s DynamoDB
     * acknowledged.
     */
    private static double run(
            LocalDynamoDb dynamoDb,
            FaultyDynamoDbProxy proxy,
            String table,
            int items,
            Sink<Row> sink)
            throws Exception {
        dynamoDb.client()
                .createTable(
                        b ->
                                b.tableName(table)
                                        .keySchema(k -> k.attributeName("k").keyType("HASH"))
                                        .attributeDefinitions(
                                                a -> a.attributeName("k").attributeType("S"))
                                        .billingMode("PAY_PER_REQUEST"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSequence(1, items)
                .map(i -> Row.ofKind(RowKind.INSERT, "k" + i, BigDecimal.valueOf(i)), ROW)
                .sinkTo(sink);
        env.execute("writer-benchmark-" + table);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long written = 0;
        for (FaultyDynamoDbProxy.ObservedWrite w : proxy.writes()) {
            if (w.table().equals(table)) {
                first = Math.min(first, w.nanoTime());
                last = Math.max(last, w.nanoTime());
                written++;
            }
        }
        if (written != items) {
            throw new IllegalStateException(
                    table + ": " + written + " of " + items + " items written");
        }
        return written / ((last - first) / 1e9);
    }

    private static Properties aws(String endpoint) {
        Properties p = new Properties();
        p.putAll(EndpointProperties.forEndpoint(endpoint));
        return p;
    }
}
