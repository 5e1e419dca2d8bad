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
    private static final BigDecimal MIN_NUMBER = new BigDecimal("1E-130");
    private static final BigDecimal MAX_NUMBER = new BigDecimal("1E126");

    private DynamoDbLimits() {}

    /**
     * Whether DynamoDB can store the number: zero, or up to 38 significant digits with a magnitude
     * from 1E-130 to below 1E126.
     */
    public static boolean fitsNumber(BigDecimal n) {
        if (n.signum() == 0) {
            return true;
        }
        BigDecimal abs = n.abs().stripTrailingZeros();
        return abs.precision() <= MAX_NUMBER_DIGITS
                && abs.compareTo(MIN_NUMBER) >= 0
                && abs.compareTo(MAX_NUMBER) < 0;
    }
}
