package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.DoubleConsumer;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Reads the reader's segments one page per fetch, in the fetcher thread: waits for the read
 * capacity budget, scans from the segment's last key, and retries a throttled or failed page with a
 * doubling backoff until it succeeds (a page is never skipped and the job never fails for it).
 * Errors that no retry can cure (a missing table, a denied request) fail the job.
 */
final class ScanPageFetcher implements SplitReader<ScannedItem, ScanSegmentSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(ScanPageFetcher.class);
    private static final long BACKOFF_BASE_MS = 100;
    private static final long BACKOFF_MAX_MS = 10_000;
    private static final int BYTES_PER_READ_UNIT = 4096;

    private final ScanOptions options;
    private final AsyncClientProvider<DynamoDbAsyncClient> clients;
    private final ReadCapacityPacer pacer;
    private final DoubleConsumer capacityConsumed;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private final Object wakeUps = new Object();
    private boolean wokenUp;
    private DynamoDbAsyncClient client;
    private List<String> keyNames;
    private int failedAttempts;

    ScanPageFetcher(
            ScanOptions options,
            AsyncClientProvider<DynamoDbAsyncClient> clients,
            ReadCapacityPacer pacer,
            DoubleConsumer capacityConsumed) {
        this.options = options;
        this.clients = clients;
        this.pacer = pacer;
        this.capacityConsumed = capacityConsumed;
    }

    /** Where the fetcher stands in a segment; it reads ahead of what was emitted. */
    private static final class Segment {
        final ScanSegmentSplit split;
        Map<String, AttributeValue> startKey;

        Segment(ScanSegmentSplit split) {
            this.split = split;
            this.startKey = split.lastKey() == null ? null : AttributeCodec.toSdk(split.lastKey());
        }
    }

    @Override
    public RecordsWithSplitIds<ScannedItem> fetch() {
        RecordsBySplits.Builder<ScannedItem> records = new RecordsBySplits.Builder<>();
        Segment segment = segments.peek();
        if (segment == null || !pause(pacer.waitNanos(System.nanoTime()) / 1_000_000)) {
            return records.build();
        }
        if (client == null) {
            client = clients.create();
        }
        long pageStart = System.currentTimeMillis();
        ScanResponse page;
        try {
            if (keyNames == null) {
                keyNames = keyNames();
            }
            page = scan(segment);
        } catch (RuntimeException e) {
            Throwable cause = unwrap(e);
            if (!retryable(cause)) {
                throw e;
            }
            long backoff =
                    Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS << Math.min(failedAttempts++, 20));
            LOG.warn(
                    "Scan of {} failed ({}), retrying in {} ms",
                    segment.split.splitId(),
                    cause.toString(),
                    backoff);
            pause(backoff);
            return records.build();
        }
        failedAttempts = 0;
        double units = consumedUnits(page);
        pacer.consumed(units, System.nanoTime());
        capacityConsumed.accept(units);
        String splitId = segment.split.splitId();
        for (Map<String, AttributeValue> sdkItem : page.items()) {
            Map<String, DdbValue> item = AttributeCodec.fromSdk(sdkItem);
            Map<String, DdbValue> key = new LinkedHashMap<>();
            keyNames.forEach(k -> key.put(k, item.get(k)));
            records.add(splitId, new ScannedItem(item, key, pageStart));
        }
        if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
            segment.startKey = page.lastEvaluatedKey();
        } else {
            records.add(splitId, ScannedItem.END_OF_SEGMENT);
            records.addFinishedSplit(splitId);
            segments.poll();
        }
        return records.build();
    }

    private ScanResponse scan(Segment segment) {
        ScanRequest.Builder request =
                ScanRequest.builder()
                        .tableName(options.table())
                        .segment(segment.split.segment())
                        .totalSegments(segment.split.totalSegments())
                        .limit(options.pageSize())
                        .consistentRead(options.consistentRead())
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
        if (segment.startKey != null) {
            request.exclusiveStartKey(segment.startKey);
        }
        return join(client.scan(request.build()));
    }

    private List<String> keyNames() {
        List<String> names = new ArrayList<>();
        for (KeySchemaElement k :
                join(client.describeTable(b -> b.tableName(options.table()))).table().keySchema()) {
            names.add(k.attributeName());
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * What DynamoDB says the page cost; without that, an estimate from the items' sizes (DynamoDB
     * rounds a Scan's total size up to 4 KB units, halved for eventually consistent reads).
     */
    private double consumedUnits(ScanResponse page) {
        if (page.consumedCapacity() != null && page.consumedCapacity().capacityUnits() != null) {
            return page.consumedCapacity().capacityUnits();
        }
        long bytes = 0;
        for (Map<String, AttributeValue> item : page.items()) {
            bytes += AttributeCodec.toJsonText(AttributeCodec.fromSdk(item)).length();
        }
        double units = Math.max(1, Math.ceil(bytes / (double) BYTES_PER_READ_UNIT));
        return options.consistentRead() ? units : units / 2;
    }

    /** Waits up to {@code millis}; false if {@link #wakeUp()} cut the wait short. */
    private boolean pause(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (wakeUps) {
            try {
                for (long left = millis;
                        left > 0 && !wokenUp;
                        left = deadline - System.currentTimeMillis()) {
                    wakeUps.wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            boolean woken = wokenUp;
            wokenUp = false;
            return !woken;
        }
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Throttling, server errors and network failures pass; anything else is a real error. */
    static boolean retryable(Throwable e) {
        if (e instanceof SdkClientException) {
            return true;
        }
        if (e instanceof AwsServiceException) {
            AwsServiceException s = (AwsServiceException) e;
            return s.isThrottlingException() || s.statusCode() >= 500 || s.statusCode() == 429;
        }
        return false;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ScanSegmentSplit> change) {
        if (change instanceof SplitsAddition) {
            change.splits().forEach(s -> segments.add(new Segment(s)));
        }
    }

    @Override
    public void wakeUp() {
        synchronized (wakeUps) {
            wokenUp = true;
            wakeUps.notifyAll();
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
