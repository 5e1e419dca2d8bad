package io.changeviews.connectors.ddb;

import java.math.BigDecimal;

/**
 * DynamoDB's limits on numbers, keys and items, so what DynamoDB would reject is caught before it
 * gets there.
 */
public final class DynamoDbLimits {
    /** The most UTF-8 bytes of a partition key value. */
    public static final int MAX_PARTITION_KEY_BYTES = 2048;

    /** The most UTF-8 bytes of a sort key value. */
    public static final int MAX_SORT_KEY_BYTES = 1024;

    /** The largest item, attribute names included. */
    public static final long MAX_ITEM_BYTES = 400 * 1024;

    /** The number limits, as error messages state them. */
    public static final String NUMBER_LIMITS = "38 digits, 1E-130 to 1E126";

    private static final int MAX_NUMBER_DIGITS = 38;
    private static final int MIN_EXPONENT = -130;
    private static final int MAX_EXPONENT = 126;

    private DynamoDbLimits() {}

    /**
     * Whether DynamoDB can store the number: zero, or up to 38 significant digits with a magnitude
     * from 1E-130 to below 1E126.
     */
    public static boolean fitsNumber(BigDecimal n) {
        if (n.signum() == 0) {
            return true;
        }
        // The magnitude from precision and scale: |n| is in [1E(e), 1E(e+1)). Checked for every
        // number of every view row, so without the allocations of abs() and compareTo.
        long e = (long) n.precision() - n.scale() - 1;
        return e >= MIN_EXPONENT
                && e < MAX_EXPONENT
                && (n.precision() <= MAX_NUMBER_DIGITS
                        || n.stripTrailingZeros().precision() <= MAX_NUMBER_DIGITS);
    }
}
