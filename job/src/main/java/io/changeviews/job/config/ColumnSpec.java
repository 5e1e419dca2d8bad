package io.changeviews.job.config;

import io.changeviews.connectors.ddb.DdbValue;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

/**
 * One column SQL sees of a DynamoDB table: its name, SQL type, and the attribute (or dotted path
 * into nested maps) it is read from. Declared as {@code column.<name> = <SQL type> [FROM <path>]}.
 */
public final class ColumnSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Set<LogicalTypeRoot> SUPPORTED =
            EnumSet.of(
                    LogicalTypeRoot.VARCHAR,
                    LogicalTypeRoot.BOOLEAN,
                    LogicalTypeRoot.INTEGER,
                    LogicalTypeRoot.BIGINT,
                    LogicalTypeRoot.DOUBLE,
                    LogicalTypeRoot.DECIMAL);

    private final String name;
    private final LogicalType type;
    private final List<String> path;

    public ColumnSpec(String name, LogicalType type, List<String> path) {
        this.name = name;
        this.type = type;
        this.path = path;
    }

    static ColumnSpec parse(String group, String key, String name, String declaration) {
        String typeText = declaration;
        String pathText = name;
        int from = declaration.toUpperCase().lastIndexOf(" FROM ");
        if (from >= 0) {
            typeText = declaration.substring(0, from).trim();
            pathText = declaration.substring(from + 6).trim();
        }
        LogicalType type;
        try {
            type = LogicalTypeParser.parse(typeText, ColumnSpec.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new ConfigException(
                    group, key, "'" + typeText + "' is not a SQL type: " + e.getMessage());
        }
        if (!SUPPORTED.contains(type.getTypeRoot())) {
            throw new ConfigException(
                    group,
                    key,
                    "type "
                            + type
                            + " is not supported; use STRING, BOOLEAN, INT, BIGINT, DOUBLE or"
                            + " DECIMAL(p, s)");
        }
        if (pathText.isEmpty()
                || pathText.startsWith(".")
                || pathText.endsWith(".")
                || pathText.contains("..")) {
            throw new ConfigException(group, key, "'" + pathText + "' is not an attribute path");
        }
        return new ColumnSpec(name, type, Arrays.asList(pathText.split("\\.")));
    }

    public String name() {
        return name;
    }

    public LogicalType type() {
        return type;
    }

    /** The attribute name, then map keys for nested attributes. */
    public List<String> path() {
        return path;
    }

    /**
     * This column's Java value in {@code image}; null for a missing or NULL attribute.
     *
     * @throws IllegalArgumentException when the attribute does not fit the column's type
     */
    public Object valueIn(Map<String, DdbValue> image) {
        return convert(lookup(image), this);
    }

    private DdbValue lookup(Map<String, DdbValue> image) {
        DdbValue v = image.get(path.get(0));
        for (int i = 1; i < path.size() && v != null; i++) {
            v = v.type() == DdbValue.Type.M ? v.asMap().get(path.get(i)) : null;
        }
        return v;
    }

    /** The column's Java value for {@code value}; null for a missing or NULL attribute. */
    private static Object convert(DdbValue value, ColumnSpec column) {
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
                    BigDecimal scaled =
                            value.asNumber().setScale(type.getScale(), RoundingMode.HALF_UP);
                    if (scaled.precision() > type.getPrecision()) {
                        throw new IllegalArgumentException(
                                value.asNumber().toPlainString() + " does not fit " + type);
                    }
                    return scaled;
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException(
                "expected a value for " + column.type() + ", got type " + value.type());
    }

    private static Object exact(Supplier<Object> f, DdbValue value, ColumnSpec column) {
        try {
            return f.get();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    value.asNumber().toPlainString() + " does not fit " + column.type());
        }
    }

    @Override
    public String toString() {
        return name + " " + type + " FROM " + String.join(".", path);
    }
}
