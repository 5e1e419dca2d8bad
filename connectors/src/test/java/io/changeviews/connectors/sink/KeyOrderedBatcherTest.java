package io.changeviews.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.aws.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The scheduling of key-ordered batches, without DynamoDB: locks per key, replaced waiting writes,
 * retries first, adaptive concurrency.
 */
class KeyOrderedBatcherTest {
    private static final Backoff BACKOFF =
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(10));

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

    private static List<String> values(KeyOrderedBatcher.Batch batch) {
        List<String> out = new ArrayList<>();
        batch.writes.forEach(w -> out.add(w.key() + "=" + w.attributes().get("v").n()));
        return out;
    }

    @Test
    void aKeyIsNeverInTwoRequestsAtOnce() {
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(8, BACKOFF, true);
        batcher.offer(put("a", 1));
        KeyOrderedBatcher.Batch first = batcher.next(0);
        batcher.offer(put("a", 2));
        batcher.offer(put("b", 1));

        KeyOrderedBatcher.Batch second = batcher.next(0);
        assertThat(values(second)).containsExactly("b=1");
        assertThat(batcher.next(0)).as("a waits for its request").isNull();

        batcher.written(first, List.of(), 0);
        assertThat(values(batcher.next(0))).containsExactly("a=2");
    }

    @Test
    void theNewestWaitingWriteReplacesAnOlderOne() {
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(8, BACKOFF, true);
        batcher.offer(put("a", 1));
        KeyOrderedBatcher.Batch first = batcher.next(0);
        batcher.offer(put("a", 2));
        batcher.offer(put("a", 3));
        assertThat(batcher.pendingWrites()).isEqualTo(2);

        batcher.written(first, List.of(), 0);
        assertThat(values(batcher.next(0))).containsExactly("a=3");
        assertThat(batcher.replacedWrites()).isEqualTo(1);
    }

    @Test
    void anUnprocessedWriteIsRetriedBeforeANewerWriteOfItsKeyLeaves() {
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(8, BACKOFF, true);
        batcher.offer(put("a", 1));
        batcher.offer(put("b", 1));
        KeyOrderedBatcher.Batch first = batcher.next(0);
        batcher.offer(put("a", 2));
        batcher.offer(put("b", 2));

        batcher.written(first, List.of(first.writes.get(0)), 100);
        assertThat(values(batcher.next(100)))
                .as("b is free again, a waits for its retry")
                .containsExactly("b=2");
        assertThat(batcher.nextRetryDueMillis()).isBetween(105L, 110L);
        assertThat(batcher.next(104)).as("the retry backs off").isNull();

        KeyOrderedBatcher.Batch retry = batcher.next(110);
        assertThat(values(retry)).containsExactly("a=1");
        assertThat(batcher.next(110)).isNull();
        batcher.written(retry, List.of(), 120);
        assertThat(values(batcher.next(120))).containsExactly("a=2");
    }

    @Test
    void aFailedRequestIsRetriedWholeBeforeNewerWritesOfItsKeys() {
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(8, BACKOFF, true);
        batcher.offer(put("a", 1));
        batcher.offer(put("b", 1));
        KeyOrderedBatcher.Batch first = batcher.next(0);
        batcher.offer(put("a", 2));

        batcher.failed(first, false, 0);
        assertThat(batcher.next(0)).isNull();
        assertThat(values(batcher.next(10))).containsExactlyInAnyOrder("a=1", "b=1");
        assertThat(batcher.isIdle()).isFalse();
    }

    @Test
    void requestsCarryUpTo25DistinctKeysAndNoMoreThanTheLimitIsInFlight() {
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(2, BACKOFF, true);
        for (int i = 0; i < 60; i++) {
            batcher.offer(put("k" + i, i));
        }
        assertThat(batcher.next(0).writes).hasSize(25);
        assertThat(batcher.next(0).writes).hasSize(25);
        assertThat(batcher.next(0)).isNull();
        assertThat(batcher.requestsInFlight()).isEqualTo(2);
        assertThat(batcher.bufferedWrites()).isEqualTo(10);
    }

    @Test
    void throttlingHalvesTheRequestsInFlightAndSuccessRaisesThemAgain() {
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(8, BACKOFF, true);
        assertThat(batcher.concurrencyLimit()).isEqualTo(8);
        for (int expected : new int[] {4, 2, 1, 1}) {
            batcher.offer(put("t", expected));
            KeyOrderedBatcher.Batch b = batcher.next(Long.MAX_VALUE / 2);
            batcher.failed(b, true, 0);
            assertThat(batcher.concurrencyLimit()).isEqualTo(expected);
        }
        KeyOrderedBatcher.Batch retry = batcher.next(Long.MAX_VALUE / 2);
        batcher.offer(put("u", 1));
        assertThat(batcher.next(Long.MAX_VALUE / 2))
                .as("one request in flight at most now")
                .isNull();

        batcher.written(retry, List.of(retry.writes.get(0)), 0);
        assertThat(batcher.concurrencyLimit())
                .as("unprocessed items count as throttling")
                .isEqualTo(1);
        KeyOrderedBatcher.Batch u = batcher.next(0);
        batcher.written(u, List.of(), 0);
        assertThat(batcher.concurrencyLimit()).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            batcher.offer(put("w" + i, i));
            batcher.written(batcher.next(0), List.of(), 0);
        }
        assertThat(batcher.concurrencyLimit()).as("capped at the configured maximum").isEqualTo(8);
    }

    @Test
    void withoutPerKeyOrderAKeyGoesIntoASecondRequest() {
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(8, BACKOFF, false);
        batcher.offer(put("a", 1));
        batcher.next(0);
        batcher.offer(put("a", 2));
        assertThat(values(batcher.next(0))).containsExactly("a=2");
    }

    /**
     * Random writes, answers (written, unprocessed, failed) and answer order: no key is ever in two
     * requests in flight, each key's acknowledged values only grow, and each ends at its newest.
     */
    @Test
    void randomAnswersKeepEveryKeysAcknowledgedValuesInOrder() {
        Random random = new Random(7);
        KeyOrderedBatcher batcher = new KeyOrderedBatcher(6, BACKOFF, true);
        List<KeyOrderedBatcher.Batch> inFlight = new ArrayList<>();
        Map<String, Long> acknowledged = new HashMap<>();
        Map<String, Long> newest = new HashMap<>();
        long now = 0;
        long next = 1;
        int acknowledgements = 0;
        while (next <= 20_000 || !batcher.isIdle()) {
            now += random.nextInt(3);
            if (next <= 20_000 && random.nextInt(3) > 0) {
                String key = "k" + random.nextInt(40);
                batcher.offer(put(key, next));
                newest.put(key, next++);
            }
            KeyOrderedBatcher.Batch batch;
            while ((batch = batcher.next(now)) != null) {
                inFlight.add(batch);
            }
            Set<String> keysInFlight = new HashSet<>();
            inFlight.forEach(
                    b ->
                            b.writes.forEach(
                                    w ->
                                            assertThat(keysInFlight.add(w.key()))
                                                    .as("%s in two requests", w.key())
                                                    .isTrue()));
            if (!inFlight.isEmpty() && random.nextInt(2) == 0) {
                KeyOrderedBatcher.Batch answered = inFlight.remove(random.nextInt(inFlight.size()));
                int outcome = random.nextInt(10);
                if (outcome == 0) {
                    batcher.failed(answered, random.nextBoolean(), now);
                    continue;
                }
                List<KeyedWrite> unprocessed = new ArrayList<>();
                if (outcome == 1) {
                    answered.writes.stream()
                            .filter(w -> random.nextBoolean())
                            .forEach(unprocessed::add);
                }
                for (KeyedWrite w : answered.writes) {
                    if (!unprocessed.contains(w)) {
                        long value = Long.parseLong(w.attributes().get("v").n());
                        Long before = acknowledged.put(w.key(), value);
                        assertThat(before == null || before < value)
                                .as("%s: %s after %s", w.key(), value, before)
                                .isTrue();
                        acknowledgements++;
                    }
                }
                batcher.written(answered, unprocessed, now);
            }
        }
        assertThat(acknowledged).isEqualTo(newest);
        assertThat(batcher.replacedWrites())
                .as("some writes were replaced while their key was in flight")
                .isPositive();
        assertThat(acknowledgements).isLessThan(20_000);
    }
}
