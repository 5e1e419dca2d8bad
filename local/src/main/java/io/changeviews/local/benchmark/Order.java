package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.local.SampleData;
import io.changeviews.local.StreamRelay;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** One order item of {@code Order_by_item}; immutable, a change replaces it. */
final class Order {
    final String id;
    final String date;
    final String item;
    final int quantity;

    Order(String id, String date, String item, int quantity) {
        this.id = id;
        this.date = date;
        this.item = item;
        this.quantity = quantity;
    }

    String day() {
        return date.substring(0, 10);
    }

    /** The change as a KDS-for-DynamoDB record, encoded by the relay's own encoder. */
    static byte[] encode(String eventId, ChangeType type, Instant time, Order before, Order after) {
        Order current = after != null ? after : before;
        return StreamRelay.kdsRecord(
                SampleData.ORDERS,
                eventId,
                type,
                time,
                current.keys(),
                before == null ? null : before.image(),
                after == null ? null : after.image());
    }

    private Map<String, AttributeValue> keys() {
        Map<String, AttributeValue> keys = new LinkedHashMap<>();
        keys.put("orderid", AttributeValue.fromS(id));
        keys.put("order_date", AttributeValue.fromS(date));
        return keys;
    }

    Map<String, AttributeValue> image() {
        Map<String, AttributeValue> image = keys();
        image.put("item_number", AttributeValue.fromS(item));
        image.put("quantity", AttributeValue.fromN(Integer.toString(quantity)));
        return image;
    }
}
