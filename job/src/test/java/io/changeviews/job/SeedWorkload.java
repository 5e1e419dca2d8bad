package io.changeviews.job;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DdbValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Random inserts, updates and deletes on the seed tables of the shipped configuration, delivered
 * with duplicates and local reordering as Kinesis Data Streams for DynamoDB may deliver them, plus
 * the expected view contents recomputed from the tables' final state.
 */
final class SeedWorkload {
    static final String ORDERS = "Order_by_item";
    static final String INVOICES = "InvoiceTransactions";
    static final String CUSTOMERS = "CustomerOrders";
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(ZoneOffset.UTC);

    /** What the stream delivers, in delivery order. */
    final List<ChangeEvent> deliveries = new ArrayList<>();
    /** Every distinct change, in the order it happened. */
    final List<ChangeEvent> changes = new ArrayList<>();
    /** table → item key → item, after all changes. */
    final Map<String, Map<String, Map<String, DdbValue>>> tables = new HashMap<>();

    private final Random random;
    private long time = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1000;
    private long sequence = 1000;
    private int nextId;

    private SeedWorkload(long seed) {
        random = new Random(seed);
        tables.put(ORDERS, new LinkedHashMap<>());
        tables.put(INVOICES, new LinkedHashMap<>());
        tables.put(CUSTOMERS, new LinkedHashMap<>());
    }

    static SeedWorkload random(long seed, int operations) {
        SeedWorkload w = new SeedWorkload(seed);
        for (int i = 0; i < operations; i++) {
            w.operation();
        }
        w.deliver();
        return w;
    }

    private void operation() {
        String table = new String[] {ORDERS, INVOICES, CUSTOMERS}[random.nextInt(3)];
        Map<String, Map<String, DdbValue>> items = tables.get(table);
        double dice = random.nextDouble();
        time += 1 + random.nextInt(3_000_000);
        if (items.isEmpty() || dice < 0.5) {
            Map<String, DdbValue> item = newItem(table);
            record(table, ChangeType.INSERT, item, null, item);
        } else {
            List<Map<String, DdbValue>> existing = new ArrayList<>(items.values());
            Map<String, DdbValue> old = existing.get(random.nextInt(existing.size()));
            if (dice < 0.8) {
                Map<String, DdbValue> updated = new LinkedHashMap<>(old);
                mutate(table, updated);
                record(table, ChangeType.MODIFY, updated, old, updated);
            } else {
                record(table, ChangeType.REMOVE, old, old, null);
            }
        }
    }

    private Map<String, DdbValue> newItem(String table) {
        Map<String, DdbValue> item = new LinkedHashMap<>();
        int id = nextId++;
        switch (table) {
            case ORDERS:
                item.put("orderid", DdbValue.s("o" + id));
                item.put("order_date", DdbValue.s("2026-11-" + (20 + random.nextInt(3)) + "T0" + random.nextInt(10) + ":00:00"));
                break;
            case INVOICES:
                item.put("InvoiceNumber", DdbValue.s("inv" + random.nextInt(6)));
                item.put("TransactionId", DdbValue.s("t" + id));
                break;
            default:
                item.put("customer_id", DdbValue.s("c" + random.nextInt(20)));
                item.put("order_id", DdbValue.s("co" + id));
                break;
        }
        mutate(table, item);
        return item;
    }

    private void mutate(String table, Map<String, DdbValue> item) {
        switch (table) {
            case ORDERS:
                if (!item.containsKey("item_number") || random.nextInt(4) == 0) {
                    item.put("item_number", DdbValue.s(random.nextInt(10) == 0 ? "item123" : "item" + random.nextInt(8)));
                }
                item.put("quantity", DdbValue.n(new BigDecimal(random.nextInt(50) + "." + random.nextInt(10))));
                break;
            case INVOICES:
                item.put("Amount", DdbValue.n(BigDecimal.valueOf(random.nextInt(100_000), 2)));
                if (random.nextInt(5) == 0) {
                    item.remove("Trans_country");
                } else {
                    item.put("Trans_country", DdbValue.s(new String[] {"US", "FR", "DE"}[random.nextInt(3)]));
                }
                item.put("Trans_type", DdbValue.s(random.nextBoolean() ? "SALE" : "REFUND"));
                break;
            default:
                item.put("order_total", DdbValue.n(BigDecimal.valueOf(random.nextInt(1_000_000), 2)));
                break;
        }
    }

    private void record(String table, ChangeType type, Map<String, DdbValue> item, Map<String, DdbValue> oldImage, Map<String, DdbValue> newImage) {
        Map<String, DdbValue> keys = new TreeMap<>();
        for (String k : keyNames(table)) {
            keys.put(k, item.get(k));
        }
        ChangeEvent e = new ChangeEvent(table, type, keys, oldImage, newImage, time, "ev-" + changes.size(), null, false);
        String itemKey = e.itemKey();
        if (type == ChangeType.REMOVE) {
            tables.get(table).remove(itemKey);
        } else {
            tables.get(table).put(itemKey, newImage);
        }
        changes.add(e);
    }

    private static List<String> keyNames(String table) {
        switch (table) {
            case ORDERS:
                return List.of("orderid", "order_date");
            case INVOICES:
                return List.of("InvoiceNumber", "TransactionId");
            default:
                return List.of("customer_id", "order_id");
        }
    }

    /** Delivery: every change once, a tenth of them twice, shuffled within windows of eight; sequence numbers in delivery order. */
    private void deliver() {
        List<ChangeEvent> order = new ArrayList<>();
        for (ChangeEvent e : changes) {
            order.add(e);
            if (random.nextInt(10) == 0) {
                order.add(Math.min(order.size(), order.size() - random.nextInt(Math.min(order.size(), 5))), e);
            }
        }
        for (int start = 0; start < order.size(); start += 8) {
            Collections.shuffle(order.subList(start, Math.min(order.size(), start + 8)), random);
        }
        for (ChangeEvent e : order) {
            boolean hideOldImage = random.nextBoolean();
            deliveries.add(new ChangeEvent(e.tableName(), e.type(), e.keys(), hideOldImage ? null : e.oldImage(), e.newImage(),
                    e.changeTimeMicros(), e.eventId(), Long.toString(sequence++), false));
        }
    }

    Map<String, List<String>> expectedItemCountByDate() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (Map<String, DdbValue> o : tables.get(ORDERS).values()) {
            String key = o.get("item_number").asString() + "|" + o.get("order_date").asString().substring(0, 10);
            sums.merge(key, o.get("quantity").asNumber(), BigDecimal::add);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k.split("\\|")[0], k.split("\\|")[1], plain(v))));
        return out;
    }

    Map<String, List<String>> expectedInvoiceTotals() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, DdbValue> t : tables.get(INVOICES).values()) {
            String inv = t.get("InvoiceNumber").asString();
            sums.merge(inv, t.get("Amount").asNumber(), BigDecimal::add);
            counts.merge(inv, 1L, Long::sum);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k, plain(v), counts.get(k).toString())));
        return out;
    }

    Map<String, List<String>> expectedInvoiceCountrySales() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, DdbValue> t : tables.get(INVOICES).values()) {
            if (!t.containsKey("Trans_country")) {
                continue;
            }
            String key = t.get("InvoiceNumber").asString() + "|" + t.get("Trans_country").asString();
            boolean sale = t.get("Trans_type").asString().equals("SALE");
            sums.merge(key, sale ? t.get("Amount").asNumber() : BigDecimal.ZERO, BigDecimal::add);
            counts.merge(key, sale ? 1L : 0L, Long::sum);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k.split("\\|")[0], k.split("\\|")[1], counts.get(k).toString(), plain(v))));
        return out;
    }

    Map<String, List<String>> expectedCustomerTotals() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, DdbValue> o : tables.get(CUSTOMERS).values()) {
            String c = o.get("customer_id").asString();
            sums.merge(c, o.get("order_total").asNumber(), BigDecimal::add);
            counts.merge(c, 1L, Long::sum);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k, counts.get(k).toString(), plain(v))));
        return out;
    }

    Map<String, List<String>> expectedTopCustomers() {
        List<Map.Entry<String, List<String>>> all = new ArrayList<>(expectedCustomerTotals().entrySet());
        all.sort((a, b) -> {
            int bySpent = new BigDecimal(b.getValue().get(2)).compareTo(new BigDecimal(a.getValue().get(2)));
            return bySpent != 0 ? bySpent : a.getKey().compareTo(b.getKey());
        });
        Map<String, List<String>> out = new TreeMap<>();
        for (int i = 0; i < Math.min(10, all.size()); i++) {
            out.put(Integer.toString(i + 1), List.of(Integer.toString(i + 1), all.get(i).getKey(), all.get(i).getValue().get(2)));
        }
        return out;
    }

    Map<String, List<String>> expectedOrdersPerItemMinute() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (ChangeEvent e : changes) {
            if (e.tableName().equals(ORDERS) && e.type() == ChangeType.INSERT) {
                String key = e.newImage().get("item_number").asString() + "|" + MINUTE.format(Instant.ofEpochMilli(e.changeTimeMillis()));
                sums.merge(key, e.newImage().get("quantity").asNumber(), BigDecimal::add);
                counts.merge(key, 1L, Long::sum);
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k.split("\\|")[0], k.split("\\|")[1], counts.get(k).toString(), plain(v))));
        return out;
    }

    static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }
}
