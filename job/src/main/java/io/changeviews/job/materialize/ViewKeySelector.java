package io.changeviews.job.materialize;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * Keys a view's rows by their target DynamoDB key. It is applied straight to the SQL output, so
 * that each key's changes keep their order; a row DynamoDB would reject (see {@link
 * RowItemConverter#problem}) gets {@link #NO_KEY}, and the coalescer turns it into a dead letter
 * rather than a write that would fail the sink.
 */
public final class ViewKeySelector implements KeySelector<Row, String> {
    private static final long serialVersionUID = 1L;

    /** The key of rows that cannot be written; never a real key, whose parts are never empty. */
    public static final String NO_KEY = "";

    private final RowItemConverter converter;

    public ViewKeySelector(RowItemConverter converter) {
        this.converter = converter;
    }

    @Override
    public String getKey(Row row) {
        String key = converter.writableKey(row);
        return key == null ? NO_KEY : key;
    }

    /** The dead letter for a row of {@code view} keyed {@link #NO_KEY}. */
    static DeadLetter unwritable(String view, RowItemConverter converter, Row row) {
        return new DeadLetter(
                "view:" + view,
                row.getKind().shortString() + "#" + System.nanoTime(),
                "DynamoDB cannot store the row: " + converter.problem(row),
                row.toString());
    }

    /**
     * What a changelog row means for its key's item: a −U retracts it, so it is a delete unless a
     * +U follows.
     */
    static Row asWrite(Row row) {
        if (row.getKind() != RowKind.UPDATE_BEFORE) {
            return row;
        }
        Row delete = Row.copy(row);
        delete.setKind(RowKind.DELETE);
        return delete;
    }
}
