package io.changeviews.job.materialize;

import io.changeviews.connectors.sink.RowItemConverter;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.types.Row;

/** Keys a view's rows by their target DynamoDB key. */
public final class ViewKeySelector implements KeySelector<Row, String> {
    private static final long serialVersionUID = 1L;

    private final RowItemConverter converter;

    public ViewKeySelector(RowItemConverter converter) {
        this.converter = converter;
    }

    @Override
    public String getKey(Row row) {
        return converter.keyString(row);
    }
}
