package io.changeviews.job.normalize;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.config.ColumnSpec;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.materialize.JobMetricGroup;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.types.Row;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Projects a change's images onto the table's declared columns. An attribute whose type does not
 * fit its column becomes NULL in SQL and a dead letter naming the attribute, so the change itself
 * still applies and nothing is silently dropped; undeclared attributes are ignored.
 */
public final class ImageProjector extends ProcessFunction<ChangeEvent, ItemChange> {
    private static final long serialVersionUID = 1L;

    private final SourceTableSpec table;
    private final OutputTag<DeadLetter> deadLetters;
    private transient Counter conversionErrors;

    public ImageProjector(SourceTableSpec table, OutputTag<DeadLetter> deadLetters) {
        this.table = table;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(Configuration parameters) {
        conversionErrors = JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("attributeConversionErrors");
    }

    @Override
    public void processElement(ChangeEvent event, Context ctx, Collector<ItemChange> out) {
        ItemChange change = new ItemChange();
        change.itemKey = event.itemKey();
        change.type = event.type();
        change.changeTimeMicros = event.changeTimeMicros();
        change.sequenceNumber = event.sequenceNumber();
        change.eventId = event.eventId();
        change.ttlDelete = event.ttlDelete();
        change.oldRow = project(event, "old", event.oldImage(), ctx);
        change.newRow = project(event, "new", event.newImage(), ctx);
        out.collect(change);
    }

    private Row project(ChangeEvent event, String which, Map<String, DdbValue> image, Context ctx) {
        if (image == null) {
            return null;
        }
        List<ColumnSpec> columns = table.columns();
        Row row = new Row(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            DdbValue value = lookup(image, column.path());
            try {
                row.setField(i, convert(value, column));
            } catch (IllegalArgumentException e) {
                conversionErrors.inc();
                ctx.output(deadLetters, new DeadLetter(
                        "table:" + table.dynamoDbTable(),
                        event.sequenceNumber() + "#" + event.eventId() + "#" + which + "#" + column.name(),
                        "attribute " + String.join(".", column.path()) + " set to NULL: " + e.getMessage(),
                        event.toString()));
            }
        }
        return row;
    }

    public static DdbValue lookup(Map<String, DdbValue> image, List<String> path) {
        DdbValue v = image.get(path.get(0));
        for (int i = 1; i < path.size() && v != null; i++) {
            v = v.type() == DdbValue.Type.M ? v.asMap().get(path.get(i)) : null;
        }
        return v;
    }

    /** The column's Java value for {@code value}; null for a missing or NULL attribute. */
    public static Object convert(DdbValue value, ColumnSpec column) {
        if (value == null || value.type() == DdbValue.Type.NULL) {
            return null;
        }
        switch (column.type().getTypeRoot()) {
            case VARCHAR:
                if (value.type() == DdbValue.Type.S || value.type() == DdbValue.Type.N) {
                    return value.toKeyString();
                }
                if (value.type() == DdbValue.Type.BOOL) {
                    return Boolean.toString(value.asBoolean());
                }
                break;
            case BOOLEAN:
                if (value.type() == DdbValue.Type.BOOL) {
                    return value.asBoolean();
                }
                break;
            case INTEGER:
                if (value.type() == DdbValue.Type.N) {
                    return exact(() -> value.asNumber().intValueExact(), value, column);
                }
                break;
            case BIGINT:
                if (value.type() == DdbValue.Type.N) {
                    return exact(() -> value.asNumber().longValueExact(), value, column);
                }
                break;
            case DOUBLE:
                if (value.type() == DdbValue.Type.N) {
                    return value.asNumber().doubleValue();
                }
                break;
            case DECIMAL:
                if (value.type() == DdbValue.Type.N) {
                    DecimalType type = (DecimalType) column.type();
                    BigDecimal scaled = value.asNumber().setScale(type.getScale(), RoundingMode.HALF_UP);
                    if (scaled.precision() > type.getPrecision()) {
                        throw new IllegalArgumentException(value.asNumber().toPlainString() + " does not fit " + type);
                    }
                    return scaled;
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException("expected a value for " + column.type() + ", got type " + value.type());
    }

    private static Object exact(Supplier<Object> f, DdbValue value, ColumnSpec column) {
        try {
            return f.get();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(value.asNumber().toPlainString() + " does not fit " + column.type());
        }
    }
}
