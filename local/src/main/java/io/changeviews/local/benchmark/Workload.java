package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.local.SampleData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The generated change history of {@code Order_by_item}: its encoded records and what they add up
 * to.
 */
final class Workload {
    private static final int ORDER_DAYS = 7;
    private static final double INSERT_SHARE = 0.4;
    private static final double DELETE_SHARE = 0.2;
    static final Instant FIRST_CHANGE = Instant.parse("2026-11-20T00:00:00Z");

    /** The encoded records, the shards one after the other. */
    final byte[][] records;

    final Totals totals;

    private Workload(byte[][] records, Totals totals) {
        this.records = records;
        this.totals = totals;
    }

    /** What the history adds up to, for the phases after the records are let go. */
    static final class Totals {
        /** Updates that move an order to another item. */
        final long itemMoves;

        /** The seed's Lambda's UpdateItem calls for the first {@code --baseline-events} events. */
        final List<LambdaUpdate> lambdaUpdates;

        /** SUM(quantity) of the live orders at the end, per {@code item|day}. */
        final Map<String, Long> expectedSums;

        /** Records in the history, and of them inserts: each a new order. */
        final long events;

        final long inserts;

        private Totals(
                long itemMoves,
                List<LambdaUpdate> lambdaUpdates,
                Map<String, Long> expectedSums,
                long events,
                long inserts) {
            this.events = events;
            this.inserts = inserts;
            this.itemMoves = itemMoves;
            this.lambdaUpdates = Collections.unmodifiableList(lambdaUpdates);
            this.expectedSums = Collections.unmodifiableMap(expectedSums);
        }
    }

    /** One UpdateItem of the seed's Lambda: {@code ADD quantity :delta} on an aggregate key. */
    static final class LambdaUpdate {
        final String item;
        final String day;
        final int delta;

        LambdaUpdate(String item, String day, int delta) {
            this.item = item;
            this.day = day;
            this.delta = delta;
        }
    }

    /**
     * Random inserts (40 %), updates (40 %, a fifth of them moving the order to another item) and
     * deletes (20 %). Orders are spread over {@value BenchmarkOptions#PARALLELISM} shards as
     * Kinesis does by partition key, change times interleave across shards, and the array holds the
     * shards one after the other: DataGeneratorSource hands each reader one contiguous index range,
     * so each reader replays one shard in order, as a Kinesis source would. Were the ranges cut
     * elsewhere, the normalizer would still converge, dropping stale changes.
     */
    static Workload generate(BenchmarkOptions options, Progress progress) {
        return generate(options.events, options.items, 0, options.baselineEvents, progress);
    }

    /**
     * As above with {@code events} changes whose orders' items follow a Zipf distribution of
     * exponent {@code zipfExponent} over the items (0: uniform), a few hot items taking most.
     */
    static Workload generate(
            int events, int items, double zipfExponent, int baselineEvents, Progress progress) {
        return generate(
                events,
                items,
                zipfExponent,
                baselineEvents,
                BenchmarkOptions.PARALLELISM,
                progress);
    }

    /** As above, the orders spread over {@code shards} shards. */
    static Workload generate(
            int events,
            int items,
            double zipfExponent,
            int baselineEvents,
            int shards,
            Progress progress) {
        ItemNumbers itemNumbers = new ItemNumbers(items, zipfExponent);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "encoding %,d change records on %s over %,d items%s",
                        events,
                        SampleData.ORDERS,
                        items,
                        zipfExponent > 0 ? ", Zipf s = " + zipfExponent : ""));
        long t0 = System.nanoTime();
        byte[][] records = new byte[events][];
        Map<ChangeType, Long> counts = new LinkedHashMap<>();
        for (ChangeType type : ChangeType.values()) {
            counts.put(type, 0L);
        }
        List<LambdaUpdate> lambdaUpdates = new ArrayList<>();
        long itemMoves = 0;
        Random random = new Random(BenchmarkOptions.SEED);
        List<List<Order>> live = new ArrayList<>();
        int[] shardStart = new int[shards];
        for (int shard = 0; shard < shards; shard++) {
            live.add(new ArrayList<>());
            if (shard > 0) {
                // Shard s - 1 holds the events j with j % shards == s - 1.
                shardStart[shard] =
                        shardStart[shard - 1] + (events - (shard - 1) + shards - 1) / shards;
            }
        }
        long bytes = 0;
        for (int j = 0; j < events; j++) {
            int shard = j % shards;
            OrderDraw draw =
                    OrderDraw.next(
                            "o" + j,
                            live.get(shard),
                            INSERT_SHARE,
                            DELETE_SHARE,
                            itemNumbers,
                            random);
            ChangeType type = draw.type;
            Order before = draw.before;
            Order after = draw.after;
            if (draw.moved()) {
                itemMoves++;
            }
            counts.merge(type, 1L, Long::sum);
            if (j < baselineEvents) {
                lambdaUpdates.add(
                        after == null
                                ? new LambdaUpdate(before.item, before.day(), -before.quantity)
                                : new LambdaUpdate(
                                        after.item,
                                        after.day(),
                                        after.quantity - (before == null ? 0 : before.quantity)));
            }
            byte[] record =
                    Order.encode("bench-" + j, type, FIRST_CHANGE.plusMillis(j), before, after);
            records[shardStart[shard] + j / shards] = record;
            bytes += record.length;
        }
        long liveOrders = 0;
        Map<String, Long> expectedSums = new HashMap<>();
        for (List<Order> orders : live) {
            liveOrders += orders.size();
            for (Order o : orders) {
                expectedSums.merge(o.item + "|" + o.day(), (long) o.quantity, Long::sum);
            }
        }
        progress.print(
                String.format(
                        Locale.ROOT,
                        "encoded in %.1f s: %s; %,d of the updates move the order to another item;"
                            + " average record %d bytes; at the end %,d live orders in %,d (item,"
                            + " day) groups",
                        Progress.secondsSince(t0),
                        counts,
                        itemMoves,
                        bytes / Math.max(1, events),
                        liveOrders,
                        expectedSums.size()));
        return new Workload(
                records,
                new Totals(
                        itemMoves,
                        lambdaUpdates,
                        expectedSums,
                        events,
                        counts.get(ChangeType.INSERT)));
    }

    static String orderDate(Random random) {
        int hour = random.nextInt(24);
        return "2026-11-"
                + (20 + random.nextInt(ORDER_DAYS))
                + "T"
                + (hour < 10 ? "0" : "")
                + hour
                + ":00:00";
    }

    static String item(Random random, int items) {
        return "item-" + random.nextInt(items);
    }

    /** Draws item numbers uniformly, or by rank with Zipf weights 1 / rank^s. */
    static final class ItemNumbers {
        private final int items;
        private final double[] cumulative;

        ItemNumbers(int items, double zipfExponent) {
            this.items = items;
            this.cumulative = zipfExponent > 0 ? zipf(items, zipfExponent) : null;
        }

        String next(Random random) {
            if (cumulative == null) {
                return item(random, items);
            }
            int rank = Arrays.binarySearch(cumulative, random.nextDouble());
            return "item-" + Math.min(items - 1, rank >= 0 ? rank : -rank - 1);
        }

        private static double[] zipf(int items, double s) {
            double[] c = new double[items];
            double sum = 0;
            for (int k = 0; k < items; k++) {
                sum += 1 / Math.pow(k + 1, s);
                c[k] = sum;
            }
            for (int k = 0; k < items; k++) {
                c[k] /= sum;
            }
            return c;
        }
    }
}
