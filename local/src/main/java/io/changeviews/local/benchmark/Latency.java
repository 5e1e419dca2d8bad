package io.changeviews.local.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.local.FaultyDynamoDbProxy;
import io.changeviews.local.KinesisMock;
import io.changeviews.local.LocalDynamoDb;
import io.changeviews.local.LocalTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The job with its Kinesis source, fed at a steady rate through kinesis-mock; latency = put →
 * aggregate written.
 */
final class Latency {
    static final String GETRECORDS_INTERVAL_MS = "100";
    private static final String LATENCY_ORDER_DATE = "2026-12-01T12:00:00";
    private static final int LATENCY_ITEMS = 10;
    private static final String WARM_UP_ITEM = "lat-warmup";
    private static final Duration JOB_START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** PutRecords takes at most 500 records a call. */
    private static final int MAX_PUT_BATCH = 500;

    /**
     * Put → first write of the item's aggregate that includes it, in ms, of the records observed;
     * sorted.
     */
    final List<Double> latencies;

    /** Records put. */
    final int records;

    final double putP50Millis;

    /** From job submission to the warm-up record's aggregate written. */
    final double warmUpSeconds;

    final long flushIntervalMs;

    /** Changes put per second. */
    final double rate;

    private Latency(
            double rate,
            List<Double> latencies,
            int records,
            double putP50Millis,
            double warmUpSeconds,
            long flushIntervalMs) {
        this.rate = rate;
        this.latencies = Collections.unmodifiableList(latencies);
        this.records = records;
        this.putP50Millis = putP50Millis;
        this.warmUpSeconds = warmUpSeconds;
        this.flushIntervalMs = flushIntervalMs;
    }

    /** p50 / p99 / max, ms. */
    String figures() {
        return latencies.isEmpty()
                ? "none observed"
                : String.format(
                        Locale.ROOT,
                        "%,.0f / %,.0f / %,.0f",
                        percentile(latencies, 50),
                        percentile(latencies, 99),
                        latencies.get(latencies.size() - 1));
    }

    static Latency measure(LocalDynamoDb dynamoDb, int seconds, double rate, Progress progress)
            throws Exception {
        progress.print("latency: starting kinesis-mock with a 2-shard stream");
        try (KinesisMock kinesis =
                        KinesisMock.start(Collections.singletonMap(JobUnderTest.STREAM, 2));
                FaultyDynamoDbProxy proxy = FaultyDynamoDbProxy.start(dynamoDb.endpoint())) {
            Map<String, String> source = EndpointProperties.forEndpoint(kinesis.endpoint());
            source.put(JobConfig.STREAM_NAME, JobUnderTest.STREAM);
            source.put(JobConfig.INITIAL_POSITION, "TRIM_HORIZON");
            source.put("flink.shard.getrecords.intervalmillis", GETRECORDS_INTERVAL_MS);
            JobConfig config = JobUnderTest.config(proxy.endpoint(), source);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(BenchmarkOptions.PARALLELISM);
            List<MaterializedView> views = JobUnderTest.build(env, config, null);
            LocalTables.createTargetTables(dynamoDb.client(), views);
            long t0 = System.nanoTime();
            JobClient job = env.executeAsync("changeviews-latency");
            try {
                if (!waitFor(
                        JOB_START_TIMEOUT, () -> job.getJobStatus().join() == JobStatus.RUNNING)) {
                    throw new IllegalStateException(
                            "The latency job did not reach RUNNING within " + JOB_START_TIMEOUT);
                }
                put(
                        kinesis.client(),
                        new Order("lat-warmup-order", LATENCY_ORDER_DATE, WARM_UP_ITEM, 1),
                        "latency-warmup");
                if (!waitFor(
                        JOB_START_TIMEOUT,
                        () -> aggregateWrites(proxy).containsKey(WARM_UP_ITEM))) {
                    throw new IllegalStateException(
                            "The warm-up record's aggregate was not written within "
                                    + JOB_START_TIMEOUT);
                }
                double warmUpSeconds = Progress.secondsSince(t0);
                progress.print(
                        String.format(
                                Locale.ROOT,
                                "latency: job running, warm-up record aggregated %.1f s after"
                                        + " submission; putting %s records/s for %d s",
                                warmUpSeconds,
                                rate,
                                seconds));
                return putAndObserve(
                        kinesis.client(),
                        proxy,
                        seconds,
                        rate,
                        progress,
                        warmUpSeconds,
                        config.flushInterval().toMillis());
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Latency putAndObserve(
            KinesisClient kinesis,
            FaultyDynamoDbProxy proxy,
            int seconds,
            double rate,
            Progress progress,
            double warmUpSeconds,
            long flushIntervalMs)
            throws InterruptedException {
        int total = (int) Math.round(seconds * rate);
        long period = (long) (1e9 / rate);
        String[] item = new String[total];
        long[] runningSum = new long[total];
        long[] sent = new long[total];
        List<Long> putNanos = new ArrayList<>();
        Map<String, Long> sums = new HashMap<>();
        long start = System.nanoTime();
        int i = 0;
        while (i < total) {
            long wait = start + i * period - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            // Every record that is due goes in one PutRecords call: one PutRecord at a time
            // cannot keep up with hundreds of changes a second.
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            long now = System.nanoTime();
            int first = i;
            while (i < total && batch.size() < MAX_PUT_BATCH && start + i * period <= now) {
                item[i] = "lat-" + (i % LATENCY_ITEMS);
                runningSum[i] = sums.merge(item[i], 1L, Long::sum);
                batch.add(
                        entry(
                                new Order("lat-order-" + i, LATENCY_ORDER_DATE, item[i], 1),
                                "latency-" + i));
                i++;
            }
            long sentAt = System.nanoTime();
            for (int j = first; j < i; j++) {
                sent[j] = sentAt;
            }
            PutRecordsResponse response =
                    kinesis.putRecords(b -> b.streamName(JobUnderTest.STREAM).records(batch));
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                throw new IllegalStateException(
                        response.failedRecordCount() + " latency records were refused");
            }
            putNanos.add(System.nanoTime() - sentAt);
            if (i / Math.max(1, (int) (rate * 10)) != first / Math.max(1, (int) (rate * 10))) {
                progress.print(
                        String.format(Locale.ROOT, "latency: %,d of %,d records put", i, total));
            }
        }
        double putSeconds = Progress.secondsSince(start);
        // Records still unobserved after the wait are reported as such rather than failing the run.
        waitFor(
                DRAIN_TIMEOUT,
                () -> {
                    Map<String, List<long[]>> written = aggregateWrites(proxy);
                    for (Map.Entry<String, Long> sum : sums.entrySet()) {
                        List<long[]> w = written.get(sum.getKey());
                        if (w == null || w.get(w.size() - 1)[1] < sum.getValue()) {
                            return false;
                        }
                    }
                    return true;
                });

        Map<String, List<long[]>> written = aggregateWrites(proxy);
        Map<String, Integer> cursor = new HashMap<>();
        List<Double> latencies = new ArrayList<>();
        for (i = 0; i < total; i++) {
            List<long[]> w = written.getOrDefault(item[i], Collections.emptyList());
            int c = cursor.getOrDefault(item[i], 0);
            while (c < w.size() && w.get(c)[1] < runningSum[i]) {
                c++;
            }
            cursor.put(item[i], c);
            if (c < w.size()) {
                latencies.add((w.get(c)[0] - sent[i]) / 1e6);
            }
        }
        Collections.sort(latencies);
        Collections.sort(putNanos);
        double putP50Millis =
                putNanos.isEmpty() ? 0 : putNanos.get((putNanos.size() - 1) / 2) / 1e6;
        Latency latency =
                new Latency(rate, latencies, total, putP50Millis, warmUpSeconds, flushIntervalMs);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "latency: %,d records put in %.1f s, %,d observed; p50 / p99 / max %s ms",
                        total,
                        putSeconds,
                        latencies.size(),
                        latency.figures()));
        return latency;
    }

    private static void put(KinesisClient kinesis, Order order, String eventId) {
        kinesis.putRecords(b -> b.streamName(JobUnderTest.STREAM).records(entry(order, eventId)));
    }

    private static PutRecordsRequestEntry entry(Order order, String eventId) {
        byte[] record = Order.encode(eventId, ChangeType.INSERT, Instant.now(), null, order);
        return PutRecordsRequestEntry.builder()
                .partitionKey(order.id)
                .data(SdkBytes.fromByteArray(record))
                .build();
    }

    /** The aggregate's writes per item number as (nanoTime, quantity), in the order they landed. */
    private static Map<String, List<long[]>> aggregateWrites(FaultyDynamoDbProxy proxy) {
        Map<String, List<long[]>> out = new HashMap<>();
        for (FaultyDynamoDbProxy.ObservedWrite w : proxy.writes()) {
            if (!w.table().equals(JobUnderTest.VIEW_TABLE) || w.isDelete()) {
                continue;
            }
            try {
                String item =
                        JSON.readTree(w.key())
                                .path(JobUnderTest.VIEW_KEY.get(0))
                                .path("S")
                                .asText();
                JsonNode quantity = JSON.readTree(w.item()).path("quantity").path("N");
                out.computeIfAbsent(item, k -> new ArrayList<>())
                        .add(
                                new long[] {
                                    w.nanoTime(), new BigDecimal(quantity.asText()).longValue()
                                });
            } catch (IOException e) {
                throw new UncheckedIOException("Unreadable observed write " + w, e);
            }
        }
        return out;
    }

    private static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** Polls until the condition holds; false if the timeout passed first. */
    private static boolean waitFor(Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }
}
