package io.changeviews.local;

import io.changeviews.connectors.ddb.AttributeCodec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Random operations on the seed tables, made a batch at a time as KDS for DynamoDB would see them:
 * the batch's net effect is written to the tables first (BatchWriteItem), then its records are
 * stamped after that write, a microsecond apart in operation order, so a snapshot running meanwhile
 * never reads an item older than a record of it says.
 */
final class StampedBatches {
    private final SampleData data;
    private final DynamoDbClient ddb;
    private final String eventIdPrefix;
    private int made;
    private long lastMicros;

    StampedBatches(SampleData data, DynamoDbClient ddb, String eventIdPrefix) {
        this.data = data;
        this.ddb = ddb;
        this.eventIdPrefix = eventIdPrefix;
    }

    /** Makes {@code count} operations; returns their records in operation order. */
    List<byte[]> next(int count) {
        List<SampleData.Operation> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(data.next());
        }
        applyNet(ops);
        long base =
                Math.max(lastMicros + 1, ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            SampleData.Operation op = ops.get(i);
            records.add(
                    EmulatedPipeline.withMicros(
                            StreamRelay.kdsRecord(
                                    op.table,
                                    eventIdPrefix + (made + i),
                                    op.type,
                                    Instant.EPOCH,
                                    AttributeCodec.toSdk(op.keys),
                                    op.before == null ? null : AttributeCodec.toSdk(op.before),
                                    op.after == null ? null : AttributeCodec.toSdk(op.after)),
                            base + i));
        }
        made += ops.size();
        lastMicros = base + ops.size() - 1;
        return records;
    }

    /** The batch's net effect on each item: a put of its last image, or a delete. */
    private void applyNet(List<SampleData.Operation> ops) {
        Map<String, Map<String, SampleData.Operation>> lastByItem = new TreeMap<>();
        for (SampleData.Operation op : ops) {
            lastByItem
                    .computeIfAbsent(op.table, t -> new LinkedHashMap<>())
                    .put(op.keys.toString(), op);
        }
        lastByItem.forEach(
                (table, last) -> {
                    List<WriteRequest> requests = new ArrayList<>();
                    for (SampleData.Operation op : last.values()) {
                        requests.add(
                                op.after != null
                                        ? WriteRequest.builder()
                                                .putRequest(
                                                        p -> p.item(AttributeCodec.toSdk(op.after)))
                                                .build()
                                        : WriteRequest.builder()
                                                .deleteRequest(
                                                        r -> r.key(AttributeCodec.toSdk(op.keys)))
                                                .build());
                    }
                    LocalTables.write(ddb, table, requests);
                });
    }
}
