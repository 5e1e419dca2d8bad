package io.changeviews.connectors.sink;

import io.changeviews.connectors.aws.AwsErrors;
import io.changeviews.connectors.aws.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Sends a {@link KeyOrderedBatcher}'s batches with many requests in flight and applies each answer
 * on the owner's thread (the task's), so the batcher needs no locks and no callback thread ever
 * blocks or waits: the SDK's callbacks and the retry timers only post to the owner's {@link
 * Mailbox}.
 */
final class OrderedWriteEngine {
    private static final Logger LOG = LoggerFactory.getLogger(OrderedWriteEngine.class);
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));

    /** Where answers are applied: the thread that owns the engine. */
    interface Mailbox {
        /**
         * Runs {@code action} on the owner's thread, later; called from any thread, never blocks.
         */
        void post(Runnable action);

        /** On the owner's thread: waits for posted actions and runs at least one. */
        void runPosted() throws InterruptedException;

        /** The task's mailbox: answers run between records, and waiting runs other mails too. */
        static Mailbox of(MailboxExecutor executor) {
            return new Mailbox() {
                @Override
                public void post(Runnable action) {
                    try {
                        executor.execute(action::run, "view write answer");
                    } catch (RejectedExecutionException closed) {
                        // The task is closing; its writes are lost with it and replayed after the
                        // restore.
                    }
                }

                @Override
                public void runPosted() throws InterruptedException {
                    executor.yield();
                }
            };
        }

        /**
         * A queue the owner drains while it waits, for a caller without a task mailbox (the
         * committer).
         */
        static Mailbox queue() {
            BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
            return new Mailbox() {
                @Override
                public void post(Runnable action) {
                    queue.add(action);
                }

                @Override
                public void runPosted() throws InterruptedException {
                    queue.take().run();
                }
            };
        }
    }

    private final BatchWriteClient client;
    private final KeyOrderedBatcher batcher;
    private final Mailbox mailbox;
    private final ViewWriteMetrics metrics;
    private final int maxBuffered;
    private Throwable failure;
    private long wakeupAtMillis = Long.MAX_VALUE;

    OrderedWriteEngine(
            BatchWriteClient client,
            int maxInFlight,
            boolean keyOrdered,
            Mailbox mailbox,
            MetricGroup metricGroup) {
        this.client = client;
        this.batcher = new KeyOrderedBatcher(maxInFlight, BACKOFF, keyOrdered);
        this.mailbox = mailbox;
        // Enough to fill every request a few times over; beyond it the task waits (backpressure).
        this.maxBuffered = 4 * maxInFlight * KeyOrderedBatcher.MAX_BATCH;
        this.metrics =
                new ViewWriteMetrics(
                        metricGroup,
                        batcher::requestsInFlight,
                        batcher::pendingWrites,
                        batcher::concurrencyLimit,
                        batcher::replacedWrites);
    }

    /** Takes a write; waits (running answers) while too many writes are buffered. */
    void write(KeyedWrite write) throws IOException, InterruptedException {
        checkFailure();
        batcher.offer(write);
        pump();
        while (batcher.bufferedWrites() >= maxBuffered) {
            mailbox.runPosted();
            checkFailure();
        }
    }

    /** Returns once every write taken so far is acknowledged by DynamoDB. */
    void flush() throws IOException, InterruptedException {
        checkFailure();
        pump();
        while (!batcher.isIdle()) {
            mailbox.runPosted();
            checkFailure();
        }
    }

    private void checkFailure() throws IOException {
        if (failure != null) {
            throw new IOException("A view write failed and cannot be retried", failure);
        }
    }

    private void pump() {
        if (failure != null) {
            return;
        }
        long now = nowMillis();
        KeyOrderedBatcher.Batch batch;
        while ((batch = batcher.next(now)) != null) {
            send(batch);
        }
        long due = batcher.nextRetryDueMillis();
        if (due < wakeupAtMillis && batcher.hasCapacity()) {
            wakeupAtMillis = due;
            CompletableFuture.delayedExecutor(
                            Math.max(0, due - now), TimeUnit.MILLISECONDS, Runnable::run)
                    .execute(() -> mailbox.post(this::wakeUp));
        }
    }

    private void wakeUp() {
        wakeupAtMillis = Long.MAX_VALUE;
        pump();
    }

    private void send(KeyOrderedBatcher.Batch batch) {
        metrics.requests.inc();
        long start = System.nanoTime();
        CompletableFuture<List<WriteRequest>> call;
        try {
            call = client.write(batch.requests());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete(
                (unprocessed, error) ->
                        mailbox.post(() -> answered(batch, start, unprocessed, error)));
    }

    private void answered(
            KeyOrderedBatcher.Batch batch,
            long startNanos,
            List<WriteRequest> unprocessed,
            Throwable error) {
        metrics.latencyMillis.update(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        long now = nowMillis();
        if (error == null) {
            List<KeyedWrite> left = batch.matching(unprocessed);
            batcher.written(batch, left, now);
            metrics.itemsWritten.inc(batch.writes.size() - left.size());
            if (!left.isEmpty()) {
                metrics.throttled.inc();
                metrics.retried.inc(left.size());
            }
        } else {
            Throwable cause = AwsErrors.unwrap(error);
            boolean throttled = AwsErrors.isThrottling(cause);
            batcher.failed(batch, throttled, now);
            if (throttled) {
                metrics.throttled.inc();
            }
            if (AwsErrors.isRetryable(cause)) {
                metrics.retried.inc(batch.writes.size());
                LOG.debug(
                        "BatchWriteItem of {} writes failed, retrying: {}",
                        batch.writes.size(),
                        cause.toString());
            } else if (failure == null) {
                failure = cause;
            }
        }
        pump();
    }

    private static long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
