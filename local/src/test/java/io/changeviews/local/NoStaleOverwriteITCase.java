package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.DynamoDbSinks;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.materialize.ViewKeySelector;
import io.changeviews.job.materialize.WriteCoalescer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes ever-growing values of a few keys through the coalescer and the DynamoDB sink to DynamoDB
 * Local behind a proxy that throttles, delays and half-processes batches: no key's value may ever
 * land after a newer one, and after a crash and restore every key ends at its newest value.
 */
class NoStaleOverwriteITCase {
    private static final int KEYS = 7;
    private static final int VALUES = 3_000;
    private static final List<String> COLUMNS = Arrays.asList("k", "v");
    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<DeadLetter>("dead-letters") {};
    private static final TypeInformation<Row> ROW =
            Types.ROW_NAMED(new String[] {"k", "v"}, Types.STRING, Types.BIG_DEC);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static LocalDynamoDb dynamoDb;
    private static FaultyDynamoDbProxy proxy;

    @BeforeAll
    static void start() {
        dynamoDb = LocalDynamoDb.start();
        proxy =
                FaultyDynamoDbProxy.start(dynamoDb.endpoint(), 5)
                        .throttleFraction(0.3)
                        .unprocessedFraction(0.3)
                        .delayMillis(0, 40);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        dynamoDb.close();
    }

    private static void createTable(DynamoDbClient ddb, String table) {
        ddb.createTable(
                b ->
                        b.tableName(table)
                                .keySchema(k -> k.attributeName("k").keyType("HASH"))
                                .attributeDefinitions(a -> a.attributeName("k").attributeType("S"))
                                .billingMode("PAY_PER_REQUEST"));
    }

    private static Properties aws() {
        Properties p = new Properties();
        p.setProperty("aws.region", "us-east-1");
        p.setProperty("aws.endpoint", proxy.endpoint());
        p.setProperty("aws.credentials.provider", "BASIC");
        p.setProperty("aws.credentials.provider.basic.accesskeyid", "local");
        p.setProperty("aws.credentials.provider.basic.secretkey", "local");
        return p;
    }

    /**
     * Value i goes to key i mod KEYS, in order from one source subtask: each key's values only
     * grow.
     */
    private static void pipeline(
            StreamExecutionEnvironment env, String table, MapFunction<Long, Long> beforeWrite) {
        RowItemConverter converter = new RowItemConverter(COLUMNS, List.of("k"));
        DataStream<Row> rows =
                env.fromSequence(1, VALUES)
                        .setParallelism(1)
                        .map(beforeWrite)
                        .setParallelism(1)
                        .map(
                                i ->
                                        Row.ofKind(
                                                RowKind.UPDATE_AFTER,
                                                "k" + (i % KEYS),
                                                BigDecimal.valueOf(i)),
                                ROW)
                        .setParallelism(1);
        rows.keyBy(new ViewKeySelector(converter))
                .transform(
                        "Coalesce writes of " + table,
                        ROW,
                        new WriteCoalescer(
                                table,
                                converter,
                                ROW,
                                Duration.ofMillis(5),
                                DEAD_LETTERS,
                                Set.of()))
                .sinkTo(DynamoDbSinks.rows(table, converter, aws()));
    }

    /**
     * Asserts that each key's values landed in increasing order; returns how many writes landed.
     */
    private static int assertLandedInOrder(String table) {
        Map<String, Long> lastLanded = new HashMap<>();
        int writes = 0;
        for (FaultyDynamoDbProxy.ObservedWrite w : proxy.writes()) {
            if (!w.table().equals(table)) {
                continue;
            }
            String key = w.key().replaceAll(".*\"S\":\"([^\"]+)\".*", "$1");
            long value =
                    Long.parseLong(w.item().replaceAll(".*\"v\":\\{\"N\":\"(\\d+)\"}.*", "$1"));
            Long previous = lastLanded.put(key, value);
            assertThat(previous == null || previous < value)
                    .as("key %s: %s landed after %s", key, value, previous)
                    .isTrue();
            writes++;
        }
        return writes;
    }

    private static Map<String, Long> finalValues(String table) {
        Map<String, Long> out = new HashMap<>();
        for (Map<String, AttributeValue> item :
                dynamoDb.client().scan(b -> b.tableName(table)).items()) {
            out.put(item.get("k").s(), Long.parseLong(item.get("v").n()));
        }
        return out;
    }

    private static Map<String, Long> newestValues() {
        Map<String, Long> out = new HashMap<>();
        for (long i = VALUES - KEYS + 1; i <= VALUES; i++) {
            out.put("k" + (i % KEYS), i);
        }
        return out;
    }

    @Test
    void noOlderValueLandsAfterANewerOneUnderThrottlingDelaysAndUnprocessedItems()
            throws Exception {
        createTable(dynamoDb.client(), "stale_retries");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        pipeline(env, "stale_retries", new Pace());
        env.execute("no-stale-overwrite");

        assertThat(assertLandedInOrder("stale_retries"))
                .as("several writes per key")
                .isGreaterThan(KEYS * 5);
        assertThat(proxy.throttledCalls()).isPositive();
        assertThat(proxy.partialCalls()).isPositive();
        assertThat(finalValues("stale_retries")).isEqualTo(newestValues());
    }

    @Test
    void afterACrashAndRestoreEveryKeyEndsAtItsNewestValue() throws Exception {
        createTable(dynamoDb.client(), "stale_restart");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 200));
        pipeline(env, "stale_restart", new CrashOnce());
        env.execute("no-stale-overwrite-restart");
        assertThat(CrashOnce.crashed).isTrue();
        assertThat(finalValues("stale_restart")).isEqualTo(newestValues());
    }

    /**
     * Spreads the values over a few seconds so that many flush intervals, and so many batches,
     * pass.
     */
    private static final class Pace implements MapFunction<Long, Long> {
        @Override
        public Long map(Long i) throws Exception {
            if (i % 10 == 0) {
                Thread.sleep(10);
            }
            return i;
        }
    }

    /** Fails the job once, two thirds of the way through, after at least one checkpoint. */
    private static final class CrashOnce implements MapFunction<Long, Long> {
        static final AtomicBoolean crashed = new AtomicBoolean();

        @Override
        public Long map(Long i) throws Exception {
            if (i % 10 == 0) {
                Thread.sleep(10);
            }
            if (i == VALUES * 2 / 3 && crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected crash");
            }
            return i;
        }
    }
}
