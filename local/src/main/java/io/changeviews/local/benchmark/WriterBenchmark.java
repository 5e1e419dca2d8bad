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
 * them, for the key-ordered writer at the given in-flight limits and for the AWS connector's {@code
 * DynamoDbSink} with one request in flight (what the views used before).
 *
 * <p>Each run writes distinct keys straight from a sequence into a fresh table; the rate is taken
 * from the proxy's log of acknowledged writes (first to last), so job start-up does not count.
 */
final class WriterBenchmark {
    private static final TypeInformation<Row> ROW =
            Types.ROW_NAMED(new String[] {"k", "v"}, Types.STRING, Types.BIG_DEC);
    private static final RowItemConverter CONVERTER =
            new RowItemConverter(List.of("k", "v"), List.of("k"));

    /** One writer's run. */
    static final class Run {
        final String writer;
        final int items;
        final double itemsPerSecond;

        Run(String writer, int items, double itemsPerSecond) {
            this.writer = writer;
            this.items = items;
            this.itemsPerSecond = itemsPerSecond;
        }
    }

    /** DynamoDbSink's run first, then the key-ordered writer's, one per in-flight limit. */
    final List<Run> runs;

    final long calls;
    final long throttled;

    private WriterBenchmark(List<Run> runs, long calls, long throttled) {
        this.runs = List.copyOf(runs);
        this.calls = calls;
        this.throttled = throttled;
    }

    static WriterBenchmark measure(
            LocalDynamoDb dynamoDb,
            int orderedItems,
            int baselineItems,
            List<Integer> inFlightLimits,
            Progress progress)
            throws Exception {
        List<Run> runs = new ArrayList<>();
        try (FaultyDynamoDbProxy proxy =
                FaultyDynamoDbProxy.start(dynamoDb.endpoint())
                        .delayMillis(10, 10)
                        .throttleFraction(0.1)) {
            Properties aws = aws(proxy.endpoint());
            progress.print(
                    String.format(Locale.ROOT, "writer: DynamoDbSink, %,d items", baselineItems));
            runs.add(
                    new Run(
                            "DynamoDbSink, 1 in flight",
                            baselineItems,
                            run(
                                    dynamoDb,
                                    proxy,
                                    "bench_dynamodbsink",
                                    baselineItems,
                                    DynamoDbSinks.rows("bench_dynamodbsink", CONVERTER, aws))));
            for (int inFlight : inFlightLimits) {
                progress.print(
                        String.format(
                                Locale.ROOT,
                                "writer: key-ordered, max %d in flight, %,d items",
                                inFlight,
                                orderedItems));
                String name = "bench_ordered_" + inFlight;
                runs.add(
                        new Run(
                                "key-ordered writer, max " + inFlight + " in flight",
                                orderedItems,
                                run(
                                        dynamoDb,
                                        proxy,
                                        name,
                                        orderedItems,
                                        DynamoDbSinks.keyOrdered(name, CONVERTER, aws, inFlight))));
            }
            return new WriterBenchmark(
                    runs,
                    proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM),
                    proxy.throttledCalls());
        }
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
