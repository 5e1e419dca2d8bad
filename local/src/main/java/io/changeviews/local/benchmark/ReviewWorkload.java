package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.local.SampleData;
import io.changeviews.local.StreamRelay;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sentiment phases' generated review changes of {@code ProductReviews}, encoded, with what each
 * one asks of the scoring.
 */
final class ReviewWorkload {
    static final long SEED = 2027;
    private static final String[] OPENINGS = {
        "Great product, works perfectly and I love it.",
        "Terrible, it broke after two days.",
        "It arrived on Tuesday in a brown box.",
        "Beautiful screen, but the software is buggy and annoying.",
        "Excellent value, highly recommend.",
        "Very disappointed, poor quality."
    };

    // Filled by the constructor only.
    private final List<byte[]> records = new ArrayList<>();

    /** Per change: its review's id. */
    private final List<String> reviewIds = new ArrayList<>();

    private final List<String> texts = new ArrayList<>();

    /** Per change: does it carry a text to score (an INSERT, or a MODIFY of the text)? */
    private final List<Boolean> scoring = new ArrayList<>();

    private final List<Boolean> reviewEvents = new ArrayList<>();

    /**
     * Reviews of 50 products: inserts, then rating edits, text edits and deletes of live reviews,
     * each text unique.
     */
    ReviewWorkload(int changes) {
        Random random = new Random(SEED);
        Map<String, Map<String, AttributeValue>> live = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(); // the live reviews' ids, for a uniform pick
        Instant time = Instant.parse("2026-11-20T00:00:00Z");
        for (int i = 0; i < changes; i++) {
            time = time.plusMillis(1 + random.nextInt(50));
            double dice = random.nextDouble();
            String eventId = "review-" + i;
            if (live.isEmpty() || dice < 0.5) {
                String id = "r" + i;
                Map<String, AttributeValue> item = new HashMap<>();
                item.put("pk", AttributeValue.fromS("B0" + (1_000 + random.nextInt(50))));
                item.put("sk", AttributeValue.fromS("2026-11-2" + random.nextInt(3) + "#" + id));
                item.put("customer_id", AttributeValue.fromS("c" + random.nextInt(500)));
                item.put(
                        "star_rating",
                        AttributeValue.fromN(Integer.toString(1 + random.nextInt(5))));
                item.put("review_body", AttributeValue.fromS(text(random, i)));
                live.put(id, item);
                ids.add(id);
                add(
                        id,
                        StreamRelay.kdsRecord(
                                SampleData.REVIEWS,
                                eventId,
                                ChangeType.INSERT,
                                time,
                                keys(item),
                                null,
                                item),
                        true);
                continue;
            }
            int pick = random.nextInt(ids.size());
            String id = ids.get(pick);
            Map<String, AttributeValue> before = live.get(id);
            if (dice < 0.9) {
                Map<String, AttributeValue> after = new HashMap<>(before);
                boolean newText = dice >= 0.7;
                if (newText) {
                    after.put("review_body", AttributeValue.fromS(text(random, i)));
                } else {
                    after.put(
                            "star_rating",
                            AttributeValue.fromN(
                                    Integer.toString(
                                            1
                                                    + (Integer.parseInt(
                                                                    before.get("star_rating").n())
                                                            % 5))));
                }
                live.put(id, after);
                add(
                        id,
                        StreamRelay.kdsRecord(
                                SampleData.REVIEWS,
                                eventId,
                                ChangeType.MODIFY,
                                time,
                                keys(after),
                                before,
                                after),
                        newText);
            } else {
                live.remove(id);
                ids.set(pick, ids.get(ids.size() - 1));
                ids.remove(ids.size() - 1);
                add(
                        id,
                        StreamRelay.kdsRecord(
                                SampleData.REVIEWS,
                                eventId,
                                ChangeType.REMOVE,
                                time,
                                keys(before),
                                before,
                                null),
                        false);
                reviewEvents.set(reviewEvents.size() - 1, false);
            }
        }
    }

    private void add(String reviewId, byte[] record, boolean scores) {
        reviewIds.add(reviewId);
        records.add(record);
        scoring.add(scores);
        reviewEvents.add(true);
    }

    private String text(Random random, int i) {
        String t = OPENINGS[random.nextInt(OPENINGS.length)] + " Bought as order " + i + ".";
        texts.add(t);
        return t;
    }

    private static Map<String, AttributeValue> keys(Map<String, AttributeValue> item) {
        return Map.of("pk", item.get("pk"), "sk", item.get("sk"));
    }

    /** Every text the changes carry, in order. */
    List<String> texts() {
        return Collections.unmodifiableList(texts);
    }

    /** Of the first {@code n} changes, those that carry a text to score. */
    long toScore(int n) {
        return scoring.subList(0, n).stream().filter(b -> b).count();
    }

    /**
     * Of the first {@code n} changes, the review events on which the seed's Lambda calls
     * DetectSentiment.
     */
    long reviewEvents(int n) {
        return reviewEvents.subList(0, n).stream().filter(b -> b).count();
    }

    /**
     * The first {@code n} records laid out as two shards, each review's changes in one of them and
     * in order, as Kinesis keeps a partition key's records: the source's two readers each read one
     * half, so no change overtakes an earlier one of its review (which would make it stale, its
     * text unscored) and a replay scores exactly the texts the first run did.
     */
    byte[][] asShards(int n) {
        Map<String, Integer> perReview = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            perReview.merge(reviewIds.get(i), 1, Integer::sum);
        }
        // The source splits its index range in two equal halves: fill the first with whole reviews,
        // exactly.
        int room = n / 2;
        Map<String, Boolean> inFirst = new HashMap<>();
        for (Map.Entry<String, Integer> r : perReview.entrySet()) {
            boolean fits = r.getValue() <= room;
            inFirst.put(r.getKey(), fits);
            room -= fits ? r.getValue() : 0;
        }
        List<byte[]> first = new ArrayList<>();
        List<byte[]> second = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (inFirst.get(reviewIds.get(i)) ? first : second).add(records.get(i));
        }
        first.addAll(second);
        return first.toArray(new byte[0][]);
    }
}
