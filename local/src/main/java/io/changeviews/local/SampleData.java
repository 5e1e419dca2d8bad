package io.changeviews.local;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Random inserts, updates and deletes on the seed tables of the shipped configuration ({@code
 * Order_by_item}, {@code InvoiceTransactions}, {@code CustomerOrders}); it remembers the tables'
 * current state, so callers can apply the operations anywhere and know the outcome.
 */
public final class SampleData {
    public static final String ORDERS = "Order_by_item";
    public static final String INVOICES = "InvoiceTransactions";
    public static final String CUSTOMERS = "CustomerOrders";
    public static final String REVIEWS = "ProductReviews";
    public static final List<String> TABLES = Arrays.asList(ORDERS, INVOICES, CUSTOMERS, REVIEWS);

    /**
     * Review texts by mood; a review's headline and body are drawn from one mood, so the expected
     * sentiment is plain.
     */
    private static final String[][] HEADLINES = {
        {"Great product", "Love it!", "Excellent quality", "Very happy"},
        {"Terrible", "Very disappointed", "Broke quickly", "Waste of money"},
        {"Arrived Tuesday", "Kitchen use", "Second unit", "As described in the listing"},
        {"Good and bad", "Mixed feelings", "Nice but flawed", "Decent with problems"},
    };

    private static final String[][] BODIES = {
        {
            "Works perfectly and the quality is excellent. Highly recommend it.",
            "I love this, it is wonderful and easy to use!",
            "Fantastic value, my family is happy with it."
        },
        {
            "It broke after two days. Awful support and poor quality.",
            "Do not buy this, it is useless and the worst purchase I made.",
            "Horrible experience, the device failed and I am angry."
        },
        {
            "The box contains the device and a cable. I use it in the kitchen on weekdays.",
            "It arrived on Tuesday in a brown box.",
            "This is the second unit in the house, next to the window."
        },
        {
            "Great sound but the battery is terrible.",
            "I love the design, but it is slow and the buttons are awful.",
            "Beautiful screen, but the software is buggy and annoying."
        },
    };

    /** Reviews in a language the embedded engine does not score: they show as UNKNOWN. */
    private static final String[] GERMAN = {
        "Das Gerät ist gut, aber laut.", "Schnelle Lieferung, alles bestens."
    };

    /** One change to make: the item before (null for INSERT) and after (null for REMOVE). */
    public static final class Operation {
        public final String table;
        public final ChangeType type;
        public final Map<String, DdbValue> keys;
        public final Map<String, DdbValue> before;
        public final Map<String, DdbValue> after;

        Operation(
                String table,
                ChangeType type,
                Map<String, DdbValue> keys,
                Map<String, DdbValue> before,
                Map<String, DdbValue> after) {
            this.table = table;
            this.type = type;
            this.keys = keys;
            this.before = before;
            this.after = after;
        }

        /**
         * Makes the change through the DynamoDB API: a put of the new item, or a delete of the key.
         */
        public void applyTo(DynamoDbClient ddb) {
            if (after != null) {
                ddb.putItem(b -> b.tableName(table).item(AttributeCodec.toSdk(after)));
            } else {
                ddb.deleteItem(b -> b.tableName(table).key(AttributeCodec.toSdk(keys)));
            }
        }
    }

    private final Random random;
    private final Map<String, Map<List<DdbValue>, Map<String, DdbValue>>> tables = new HashMap<>();
    private List<String> tableNames;
    private int nextId;

    public SampleData(long seed) {
        this(seed, TABLES);
    }

    /** Changes to the given seed tables only. */
    public SampleData(long seed, List<String> tables) {
        random = new Random(seed);
        tables.forEach(t -> this.tables.put(t, new LinkedHashMap<>()));
        this.tableNames = new ArrayList<>(tables);
    }

    /** From now on, changes to the given ones of this generator's tables only. */
    public void changeOnly(List<String> tables) {
        if (!this.tables.keySet().containsAll(tables)) {
            throw new IllegalArgumentException("not all of " + tables + " are in " + tableNames);
        }
        tableNames = new ArrayList<>(tables);
    }

    /** The key attributes (partition key, sort key) of a seed table. */
    public static List<String> keyNames(String table) {
        switch (table) {
            case ORDERS:
                return Arrays.asList("orderid", "order_date");
            case INVOICES:
                return Arrays.asList("InvoiceNumber", "TransactionId");
            case CUSTOMERS:
                return Arrays.asList("customer_id", "order_id");
            case REVIEWS:
                return Arrays.asList("pk", "sk");
            default:
                throw new IllegalArgumentException("not a seed table: " + table);
        }
    }

    /** The current items of a table. */
    public List<Map<String, DdbValue>> items(String table) {
        return new ArrayList<>(tables.get(table).values());
    }

    /**
     * The next random change: half inserts, the rest updates (30 %, always changing the item) and
     * deletes (20 %) of live items.
     */
    public Operation next() {
        String table = tableNames.get(random.nextInt(tableNames.size()));
        Map<List<DdbValue>, Map<String, DdbValue>> items = tables.get(table);
        double dice = random.nextDouble();
        if (items.isEmpty() || dice < 0.5) {
            Map<String, DdbValue> item = newItem(table);
            return apply(table, ChangeType.INSERT, null, item);
        }
        List<Map<String, DdbValue>> live = new ArrayList<>(items.values());
        Map<String, DdbValue> old = live.get(random.nextInt(live.size()));
        if (dice < 0.8) {
            Map<String, DdbValue> updated = new LinkedHashMap<>(old);
            // An update that changes nothing leaves no stream record; every operation must be a
            // change.
            do {
                mutate(table, updated);
            } while (updated.equals(old));
            return apply(table, ChangeType.MODIFY, old, updated);
        }
        return apply(table, ChangeType.REMOVE, old, null);
    }

    private Operation apply(
            String table,
            ChangeType type,
            Map<String, DdbValue> before,
            Map<String, DdbValue> after) {
        Map<String, DdbValue> item = after != null ? after : before;
        Map<String, DdbValue> keys = new LinkedHashMap<>();
        List<DdbValue> keyValues = new ArrayList<>();
        for (String k : keyNames(table)) {
            keys.put(k, item.get(k));
            keyValues.add(item.get(k));
        }
        if (after == null) {
            tables.get(table).remove(keyValues);
        } else {
            tables.get(table).put(keyValues, after);
        }
        return new Operation(table, type, keys, before, after);
    }

    private Map<String, DdbValue> newItem(String table) {
        Map<String, DdbValue> item = new LinkedHashMap<>();
        int id = nextId++;
        switch (table) {
            case ORDERS:
                item.put("orderid", DdbValue.s("o" + id));
                item.put(
                        "order_date",
                        DdbValue.s(
                                "2026-11-"
                                        + (20 + random.nextInt(3))
                                        + "T0"
                                        + random.nextInt(10)
                                        + ":00:00"));
                break;
            case INVOICES:
                item.put("InvoiceNumber", DdbValue.s("inv" + random.nextInt(6)));
                item.put("TransactionId", DdbValue.s("t" + id));
                break;
            case CUSTOMERS:
                item.put("customer_id", DdbValue.s("c" + random.nextInt(20)));
                item.put("order_id", DdbValue.s("co" + id));
                break;
            default:
                item.put(
                        "pk",
                        DdbValue.s(
                                random.nextInt(8) == 0
                                        ? "B00004U2JW"
                                        : "B0" + (1_000 + random.nextInt(10))));
                item.put("sk", DdbValue.s("2026-11-" + (20 + random.nextInt(3)) + "#r" + id));
                item.put("customer_id", DdbValue.s("c" + random.nextInt(20)));
                writeReview(item);
                break;
        }
        mutate(table, item);
        return item;
    }

    private void mutate(String table, Map<String, DdbValue> item) {
        switch (table) {
            case ORDERS:
                if (!item.containsKey("item_number") || random.nextInt(4) == 0) {
                    item.put(
                            "item_number",
                            DdbValue.s(
                                    random.nextInt(10) == 0
                                            ? "item123"
                                            : "item" + random.nextInt(8)));
                }
                item.put(
                        "quantity",
                        DdbValue.n(new BigDecimal(random.nextInt(50) + "." + random.nextInt(10))));
                break;
            case INVOICES:
                item.put("Amount", DdbValue.n(BigDecimal.valueOf(random.nextInt(100_000), 2)));
                if (random.nextInt(5) == 0) {
                    item.remove("Trans_country");
                } else {
                    item.put(
                            "Trans_country",
                            DdbValue.s(new String[] {"US", "FR", "DE"}[random.nextInt(3)]));
                }
                item.put("Trans_type", DdbValue.s(random.nextBoolean() ? "SALE" : "REFUND"));
                break;
            case CUSTOMERS:
                item.put(
                        "order_total",
                        DdbValue.n(BigDecimal.valueOf(random.nextInt(1_000_000), 2)));
                break;
            default:
                // Half the updates rewrite the text (a new score), the others only change the
                // rating (the score is kept).
                if (random.nextBoolean()) {
                    writeReview(item);
                }
                item.put("star_rating", DdbValue.n(BigDecimal.valueOf(1 + random.nextInt(5))));
                break;
        }
    }

    private void writeReview(Map<String, DdbValue> item) {
        if (random.nextInt(15) == 0) {
            item.remove("review_headline");
            item.put("review_body", DdbValue.s(GERMAN[random.nextInt(GERMAN.length)]));
            item.put("review_language", DdbValue.s("de"));
            return;
        }
        int mood = random.nextInt(HEADLINES.length);
        item.put(
                "review_headline",
                DdbValue.s(HEADLINES[mood][random.nextInt(HEADLINES[mood].length)]));
        item.put("review_body", DdbValue.s(BODIES[mood][random.nextInt(BODIES[mood].length)]));
        item.remove("review_language");
    }
}
