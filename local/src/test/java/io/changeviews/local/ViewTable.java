package io.changeviews.local;

import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A view's table as the tests compare it with {@link ExpectedViews}: key → the view's column values
 * as text, in column order.
 */
final class ViewTable {
    private ViewTable() {}

    /** {@code items}: the table's items as key → attribute → text, as DynamoDB holds them. */
    static Map<String, List<String>> of(
            MaterializedView view, Map<String, Map<String, String>> items) {
        Map<String, List<String>> out = new TreeMap<>();
        items.forEach(
                (key, item) -> {
                    List<String> values = new ArrayList<>();
                    view.columns.forEach(c -> values.add(item.get(c)));
                    out.put(key, values);
                });
        return out;
    }
}
