package io.changeviews.job.common;

import java.util.Locale;

/**
 * Operator uids: stable across builds, so that savepoints and MSF snapshots restore into new code.
 */
public final class Uids {
    private Uids() {}

    /**
     * A stable kebab-case uid fragment for a SQL name, e.g. {@code Order_by_item} → {@code
     * order-by-item}.
     */
    public static String kebab(String name) {
        return name.replace('_', '-').toLowerCase(Locale.ROOT);
    }
}
