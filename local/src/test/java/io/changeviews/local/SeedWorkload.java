package io.changeviews.local;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.ddb.DdbValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random inserts, updates and deletes on the seed tables of the shipped configuration, delivered
 * with duplicates and local reordering as Kinesis Data Streams for DynamoDB may deliver them, plus
 * the expected view contents.
 */
final class SeedWorkload {

    /** What the stream delivers, in delivery order. */
    final List<ChangeEvent> deliveries = new ArrayList<>();

    /** Every distinct change, in the order it happened. */
    final List<ChangeEvent> changes = new ArrayList<>();

    private final Map<String, List<Map<String, DdbValue>>> tables = new HashMap<>();

    private final Random random;
    private final SampleData data;
    private long time = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1000;
    private long sequence = 1000;

    private SeedWorkload(long seed) {
        random = new Random(seed);
        data = new SampleData(seed);
    }

    static SeedWorkload random(long seed, int operations) {
        SeedWorkload w = new SeedWorkload(seed);
        for (int i = 0; i < operations; i++) {
            w.operation();
        }
        w.deliver();
        SampleData.TABLES.forEach(t -> w.tables.put(t, w.data.items(t)));
        return w;
    }

    private void operation() {
        SampleData.Operation op = data.next();
        time += 1 + random.nextInt(3_000_000);
        changes.add(
                new ChangeEvent(
                        op.table,
                        op.type,
                        op.keys,
                        op.before,
                        op.after,
                        time,
                        "ev-" + changes.size(),
                        null,
                        false));
    }

    /**
     * Delivery: every change once, a tenth of them twice, shuffled within windows of eight;
     * sequence numbers in delivery order.
     */
    private void deliver() {
        List<ChangeEvent> order = new ArrayList<>();
        for (ChangeEvent e : changes) {
            order.add(e);
            if (random.nextInt(10) == 0) {
                order.add(
                        Math.min(
                                order.size(),
                                order.size() - random.nextInt(Math.min(order.size(), 5))),
                        e);
            }
        }
        for (int start = 0; start < order.size(); start += 8) {
            Collections.shuffle(order.subList(start, Math.min(order.size(), start + 8)), random);
        }
        for (ChangeEvent e : order) {
            boolean hideOldImage = random.nextBoolean();
            deliveries.add(
                    new ChangeEvent(
                            e.tableName(),
                            e.type(),
                            e.keys(),
                            hideOldImage ? null : e.oldImage(),
                            e.newImage(),
                            e.changeTimeMicros(),
                            e.eventId(),
                            Long.toString(sequence++),
                            false));
        }
    }

    ExpectedViews expected() {
        return new ExpectedViews(tables, changes);
    }
}
