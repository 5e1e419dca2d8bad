package io.changeviews.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The engine against a fake BatchWriteItem that answers on its own threads, late, throttled and
 * half-processed.
 */
class OrderedWriteEngineTest {
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(4);
    private final Random random = new Random(3);

    /** Each key's values in the order the fake table applied them. */
    private final Map<String, List<Long>> applied = new HashMap<>();

    private final AtomicInteger inFlight = new AtomicInteger();
    private int maxSeenInFlight;
    private int throttled;

    @AfterEach
    void stop() {
        answers.shutdownNow();
    }

    private static KeyedWrite put(String key, long value) {
        return new KeyedWrite(
                key,
                false,
                Map.of(
                        "k",
                        AttributeValue.fromS(key),
                        "v",
                        AttributeValue.fromN(Long.toString(value))));
    }

    /**
     * Answers after 0–5 ms; a fifth of calls throttled, a fifth with the second half unprocessed.
     */
    private synchronized CompletableFuture<List<WriteRequest>> faultyTable(
            List<WriteRequest> writes) {
        maxSeenInFlight = Math.max(maxSeenInFlight, inFlight.incrementAndGet());
        int fault = random.nextInt(5);
        long delay = random.nextInt(6);
        CompletableFuture<List<WriteRequest>> answer = new CompletableFuture<>();
        answers.schedule(
                () -> {
                    inFlight.decrementAndGet();
                    if (fault == 0) {
                        synchronized (this) {
                            throttled++;
                        }
                        answer.completeExceptionally(
                                ProvisionedThroughputExceededException.builder()
                                        .awsErrorDetails(
                                                AwsErrorDetails.builder()
                                                        .errorCode(
                                                                "ProvisionedThroughputExceededException")
                                                        .build())
                                        .statusCode(400)
                                        .build());
                        return;
                    }
                    int written = fault == 1 ? writes.size() / 2 : writes.size();
                    synchronized (this) {
                        for (WriteRequest w : writes.subList(0, written)) {
                            Map<String, AttributeValue> item = w.putRequest().item();
                            applied.computeIfAbsent(item.get("k").s(), k -> new ArrayList<>())
                                    .add(Long.parseLong(item.get("v").n()));
                        }
                    }
                    answer.complete(new ArrayList<>(writes.subList(written, writes.size())));
                },
                delay,
                TimeUnit.MILLISECONDS);
        return answer;
    }

    @Test
    void everyKeysWritesLandInOrderAndFlushReturnsWhenAllAreWritten() throws Exception {
        OrderedWriteEngine engine =
                new OrderedWriteEngine(
                        this::faultyTable,
                        8,
                        true,
                        OrderedWriteEngine.Mailbox.queue(),
                        new UnregisteredMetricsGroup());
        Map<String, Long> newest = new HashMap<>();
        for (long i = 1; i <= 30_000; i++) {
            String key = "k" + random.nextInt(300);
            engine.write(put(key, i));
            newest.put(key, i);
        }
        engine.flush();

        synchronized (this) {
            assertThat(maxSeenInFlight)
                    .as("many requests in flight")
                    .isGreaterThan(1)
                    .isLessThanOrEqualTo(8);
            assertThat(throttled).isPositive();
            Map<String, Long> last = new HashMap<>();
            applied.forEach(
                    (key, values) -> {
                        for (int i = 1; i < values.size(); i++) {
                            assertThat(values.get(i))
                                    .as("%s: %s after %s", key, values.get(i), values.get(i - 1))
                                    .isGreaterThan(values.get(i - 1));
                        }
                        last.put(key, values.get(values.size() - 1));
                    });
            assertThat(last).as("flush returned with every newest value written").isEqualTo(newest);
        }
    }

    @Test
    void aWriteThatCannotSucceedFailsTheNextCall() throws Exception {
        OrderedWriteEngine engine =
                new OrderedWriteEngine(
                        writes ->
                                CompletableFuture.failedFuture(
                                        ResourceNotFoundException.builder()
                                                .message("no table")
                                                .statusCode(400)
                                                .build()),
                        8,
                        true,
                        OrderedWriteEngine.Mailbox.queue(),
                        new UnregisteredMetricsGroup());
        engine.write(put("a", 1));
        assertThatThrownBy(engine::flush)
                .isInstanceOf(IOException.class)
                .hasRootCauseMessage("no table");
    }
}
