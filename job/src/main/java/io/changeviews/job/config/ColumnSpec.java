package io.changeviews.job.config;

import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

import java.io.Serializable;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One column SQL sees of a DynamoDB table: its name, SQL type, and the attribute (or dotted path
 * into nested maps) it is read from. Declared as {@code column.<name> = <SQL type> [FROM <path>]}.
 */
public final class ColumnSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Set<LogicalTypeRoot> SUPPORTED = EnumSet.of(
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
            throw new ConfigException(group, key, "'" + typeText + "' is not a SQL type: " + e.getMessage());
        }
        if (!SUPPORTED.contains(type.getTypeRoot())) {
            throw new ConfigException(group, key,
                    "type " + type + " is not supported; use STRING, BOOLEAN, INT, BIGINT, DOUBLE or DECIMAL(p, s)");
        }
        if (pathText.isEmpty() || pathText.startsWith(".") || pathText.endsWith(".") || pathText.contains("..")) {
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

    @Override
    public String toString() {
        return name + " " + type + " FROM " + String.join(".", path);
    }
}
