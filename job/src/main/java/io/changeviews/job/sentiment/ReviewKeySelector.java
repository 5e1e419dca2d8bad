package io.changeviews.job.sentiment;

import io.changeviews.connectors.change.CompositeKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.types.Row;

/** A review's identity from its key columns (e.g. pk and sk), as one string. */
public final class ReviewKeySelector implements KeySelector<Row, String> {
    private static final long serialVersionUID = 1L;

    private final int[] keyFields;

    public ReviewKeySelector(int[] keyFields) {
        this.keyFields = keyFields.clone();
    }

    @Override
    public String getKey(Row row) {
        List<String> parts = new ArrayList<>(keyFields.length);
        for (int f : keyFields) {
            parts.add(String.valueOf(row.getField(f)));
        }
        return CompositeKey.of(parts);
    }
}
