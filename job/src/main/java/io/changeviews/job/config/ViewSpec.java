package io.changeviews.job.config;

import java.io.Serializable;
import java.util.List;

/** A SQL view and the DynamoDB table it is materialized into, keyed by the view's unique key. */
public final class ViewSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String sql;
    private final String targetTable;
    private final List<String> targetKey;

    public ViewSpec(String name, String sql, String targetTable, List<String> targetKey) {
        this.name = name;
        this.sql = sql;
        this.targetTable = targetTable;
        this.targetKey = targetKey;
    }

    public String name() {
        return name;
    }

    public String sql() {
        return sql;
    }

    public String targetTable() {
        return targetTable;
    }

    /** The target's key attributes, partition key first; they must be the view's unique key. */
    public List<String> targetKey() {
        return targetKey;
    }
}
