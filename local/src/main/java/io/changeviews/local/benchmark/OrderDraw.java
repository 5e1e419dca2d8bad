package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.ChangeType;
import java.util.List;
import java.util.Random;

/**
 * One random change of an order history, drawn from and applied to its live orders: an insert of a
 * new order, an update of a live one (a fifth of them moving the order to another item) or a
 * delete.
 */
final class OrderDraw {
    private static final int MAX_QUANTITY = 20;

    final ChangeType type;

    /** The order before the change; null for an insert. */
    final Order before;

    /** The order after the change; null for a delete. */
    final Order after;

    private OrderDraw(ChangeType type, Order before, Order after) {
        this.type = type;
        this.before = before;
        this.after = after;
    }

    /** Whether the change moved the order to another item. */
    boolean moved() {
        return before != null && after != null && !before.item.equals(after.item);
    }

    /**
     * Draws the next change: an insert of {@code newOrderId} with probability {@code insertShare}
     * (always while no order is live), a delete with {@code deleteShare}, else an update.
     */
    static OrderDraw next(
            String newOrderId,
            List<Order> live,
            double insertShare,
            double deleteShare,
            Workload.ItemNumbers items,
            Random random) {
        double dice = random.nextDouble();
        if (live.isEmpty() || dice < insertShare) {
            Order after =
                    new Order(
                            newOrderId,
                            Workload.orderDate(random),
                            items.next(random),
                            1 + random.nextInt(MAX_QUANTITY));
            live.add(after);
            return new OrderDraw(ChangeType.INSERT, null, after);
        }
        int slot = random.nextInt(live.size());
        Order before = live.get(slot);
        if (dice < 1 - deleteShare) {
            String item = random.nextInt(5) == 0 ? items.next(random) : before.item;
            Order after = new Order(before.id, before.date, item, 1 + random.nextInt(MAX_QUANTITY));
            live.set(slot, after);
            return new OrderDraw(ChangeType.MODIFY, before, after);
        }
        Order last = live.remove(live.size() - 1);
        if (slot < live.size()) {
            live.set(slot, last);
        }
        return new OrderDraw(ChangeType.REMOVE, before, null);
    }
}
