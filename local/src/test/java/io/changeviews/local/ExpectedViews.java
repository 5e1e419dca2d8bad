package io.changeviews.local;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.sentiment.LexiconSentimentEngine;
import io.changeviews.job.sentiment.Sentiment;
import io.changeviews.job.sentiment.SentimentScore;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The shipped views recomputed the plain way: the group-by views from the source tables' final
 * items (what a scan says), the per-minute view from the distinct changes. Each view is given as
 * target key → column values in the view's column order, numbers in plain notation.
 */
final class ExpectedViews {
    private static final String ORDERS = SampleData.ORDERS;
    private static final String INVOICES = SampleData.INVOICES;
    private static final String CUSTOMERS = SampleData.CUSTOMERS;
    private static final String REVIEWS = SampleData.REVIEWS;
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(ZoneOffset.UTC);

    private final Map<String, List<Map<String, DdbValue>>> tables;
    private final List<ChangeEvent> changes;
    private final BiFunction<String, String, SentimentScore> reviewScores;

    /**
     * @param tables each seed table's final items
     * @param changes every distinct change (duplicates removed), with its change time
     */
    ExpectedViews(Map<String, List<Map<String, DdbValue>>> tables, List<ChangeEvent> changes) {
        this(tables, changes, embeddedScores());
    }

    /** As above, with reviews scored by {@code reviewScores} (language, text → score). */
    ExpectedViews(
            Map<String, List<Map<String, DdbValue>>> tables,
            List<ChangeEvent> changes,
            BiFunction<String, String, SentimentScore> reviewScores) {
        this.tables = tables;
        this.changes = changes;
        this.reviewScores = reviewScores;
    }

    /** What the embedded engine says. */
    static BiFunction<String, String, SentimentScore> embeddedScores() {
        LexiconSentimentEngine engine = new LexiconSentimentEngine();
        return (language, text) -> engine.score(language, List.of(text)).join().get(0);
    }

    /**
     * What {@link LocalComprehend} says: the embedded lexicon's scores, under the Comprehend
     * engine's name.
     */
    static BiFunction<String, String, SentimentScore> localComprehendScores() {
        LexiconSentimentEngine lexicon = new LexiconSentimentEngine();
        return (language, text) -> {
            SentimentScore s = lexicon.score(text);
            return SentimentScore.of(
                    s.label(), s.positive(), s.negative(), s.neutral(), s.mixed(), "comprehend");
        };
    }

    /** The expected content of the named shipped view. */
    Map<String, List<String>> of(String view) {
        switch (view) {
            case "item_count_by_date":
                return itemCountByDate();
            case "invoice_totals":
                return invoiceTotals();
            case "invoice_country_sales":
                return invoiceCountrySales();
            case "customer_totals":
                return customerTotals();
            case "top_customers":
                return topCustomers();
            case "orders_per_item_minute":
                return ordersPerItemMinute();
            case "review_sentiment":
                return reviewSentiment();
            case "review_summary":
                return reviewSummary();
            case "review_sentiment_hourly":
                return reviewSentimentHourly();
            default:
                throw new IllegalArgumentException(view);
        }
    }

    private Map<String, List<String>> itemCountByDate() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (Map<String, DdbValue> o : tables.get(ORDERS)) {
            String key =
                    o.get("item_number").asString()
                            + "|"
                            + o.get("order_date").asString().substring(0, 10);
            sums.merge(key, o.get("quantity").asNumber(), BigDecimal::add);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k.split("\\|")[0], k.split("\\|")[1], plain(v))));
        return out;
    }

    private Map<String, List<String>> invoiceTotals() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, DdbValue> t : tables.get(INVOICES)) {
            String inv = t.get("InvoiceNumber").asString();
            sums.merge(inv, t.get("Amount").asNumber(), BigDecimal::add);
            counts.merge(inv, 1L, Long::sum);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k, plain(v), counts.get(k).toString())));
        return out;
    }

    private Map<String, List<String>> invoiceCountrySales() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, DdbValue> t : tables.get(INVOICES)) {
            if (!t.containsKey("Trans_country")) {
                continue;
            }
            String key =
                    t.get("InvoiceNumber").asString() + "|" + t.get("Trans_country").asString();
            boolean sale = t.get("Trans_type").asString().equals("SALE");
            sums.merge(key, sale ? t.get("Amount").asNumber() : BigDecimal.ZERO, BigDecimal::add);
            counts.merge(key, sale ? 1L : 0L, Long::sum);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach(
                (k, v) ->
                        out.put(
                                k,
                                List.of(
                                        k.split("\\|")[0],
                                        k.split("\\|")[1],
                                        counts.get(k).toString(),
                                        plain(v))));
        return out;
    }

    private Map<String, List<String>> customerTotals() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, DdbValue> o : tables.get(CUSTOMERS)) {
            String c = o.get("customer_id").asString();
            sums.merge(c, o.get("order_total").asNumber(), BigDecimal::add);
            counts.merge(c, 1L, Long::sum);
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(k, counts.get(k).toString(), plain(v))));
        return out;
    }

    private Map<String, List<String>> topCustomers() {
        List<Map.Entry<String, List<String>>> all = new ArrayList<>(customerTotals().entrySet());
        all.sort(
                (a, b) -> {
                    int bySpent =
                            new BigDecimal(b.getValue().get(2))
                                    .compareTo(new BigDecimal(a.getValue().get(2)));
                    return bySpent != 0 ? bySpent : a.getKey().compareTo(b.getKey());
                });
        Map<String, List<String>> out = new TreeMap<>();
        for (int i = 0; i < Math.min(10, all.size()); i++) {
            out.put(
                    Integer.toString(i + 1),
                    List.of(
                            Integer.toString(i + 1),
                            all.get(i).getKey(),
                            all.get(i).getValue().get(2)));
        }
        return out;
    }

    private Map<String, List<String>> ordersPerItemMinute() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (ChangeEvent e : changes) {
            if (e.tableName().equals(ORDERS) && e.type() == ChangeType.INSERT) {
                String key =
                        e.newImage().get("item_number").asString()
                                + "|"
                                + MINUTE.format(Instant.ofEpochMilli(e.changeTimeMillis()));
                sums.merge(key, e.newImage().get("quantity").asNumber(), BigDecimal::add);
                counts.merge(key, 1L, Long::sum);
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        sums.forEach(
                (k, v) ->
                        out.put(
                                k,
                                List.of(
                                        k.split("\\|")[0],
                                        k.split("\\|")[1],
                                        counts.get(k).toString(),
                                        plain(v))));
        return out;
    }

    /**
     * Each final review's expected score: of headline and body, English unless marked otherwise.
     */
    private Map<Map<String, DdbValue>, SentimentScore> scoredReviews() {
        Map<Map<String, DdbValue>, SentimentScore> out = new LinkedHashMap<>();
        for (Map<String, DdbValue> r : tables.get(REVIEWS)) {
            String text =
                    Stream.of("review_headline", "review_body")
                            .filter(r::containsKey)
                            .map(a -> r.get(a).asString().trim())
                            .collect(Collectors.joining("\n\n"));
            String language =
                    r.containsKey("review_language") ? r.get("review_language").asString() : "en";
            out.put(r, reviewScores.apply(language, text));
        }
        return out;
    }

    private Map<String, List<String>> reviewSentiment() {
        Map<String, List<String>> out = new TreeMap<>();
        scoredReviews()
                .forEach(
                        (r, s) -> {
                            String sk = r.get("sk").asString() + "#SENTIMENT";
                            out.put(
                                    r.get("pk").asString() + "|" + sk,
                                    Arrays.asList(
                                            r.get("pk").asString(),
                                            sk,
                                            s.label().name(),
                                            number(s.positive()),
                                            number(s.negative()),
                                            number(s.neutral()),
                                            number(s.mixed()),
                                            s.engine()));
                        });
        return out;
    }

    private Map<String, List<String>> reviewSummary() {
        Map<String, long[]> counts = new TreeMap<>();
        scoredReviews()
                .forEach(
                        (r, s) -> {
                            long[] c =
                                    counts.computeIfAbsent(
                                            r.get("pk").asString(), k -> new long[6]);
                            c[0]++;
                            c[
                                    1
                                            + List.of(
                                                            Sentiment.POSITIVE,
                                                            Sentiment.NEGATIVE,
                                                            Sentiment.NEUTRAL,
                                                            Sentiment.MIXED,
                                                            Sentiment.UNKNOWN)
                                                    .indexOf(s.label())]++;
                        });
        Map<String, List<String>> out = new TreeMap<>();
        String sk = "2099-12-31#REVIEWSUMMARY";
        counts.forEach(
                (pk, c) ->
                        out.put(
                                pk + "|" + sk,
                                List.of(
                                        pk,
                                        sk,
                                        Long.toString(c[0]),
                                        Long.toString(c[1]),
                                        Long.toString(c[2]),
                                        Long.toString(c[3]),
                                        Long.toString(c[4]),
                                        Long.toString(c[5]))));
        return out;
    }

    /**
     * Final reviews by the hour of their latest change (the version the table holds) and their
     * sentiment.
     */
    private Map<String, List<String>> reviewSentimentHourly() {
        Map<Map<String, DdbValue>, Long> latest = new HashMap<>();
        for (ChangeEvent e : changes) {
            if (e.tableName().equals(REVIEWS)) {
                latest.merge(e.keys(), e.changeTimeMillis(), Math::max);
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        scoredReviews()
                .forEach(
                        (r, s) -> {
                            Map<String, DdbValue> keys =
                                    Map.of("pk", r.get("pk"), "sk", r.get("sk"));
                            counts.merge(
                                    HOUR.format(Instant.ofEpochMilli(latest.get(keys)))
                                            + "|"
                                            + s.label().name(),
                                    1L,
                                    Long::sum);
                        });
        Map<String, List<String>> out = new TreeMap<>();
        counts.forEach(
                (k, v) -> out.put(k, List.of(k.split("\\|")[0], k.split("\\|")[1], v.toString())));
        return out;
    }

    private static String number(Double d) {
        return d == null ? null : plain(BigDecimal.valueOf(d));
    }

    static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }
}
