package io.changeviews.connectors.ddb;

import java.math.BigDecimal;
import java.util.Map;

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

    /**
     * The item's size as DynamoDB counts it against {@link #MAX_ITEM_BYTES}: attribute names and
     * strings in UTF-8, a number a byte per two significant digits plus one, binaries raw, a
     * boolean or null one byte, a list or map three bytes plus a byte per element.
     */
    public static long itemBytes(Map<String, DdbValue> item) {
        long size = 0;
        for (Map.Entry<String, DdbValue> a : item.entrySet()) {
            size += Utf8.length(a.getKey()) + valueBytes(a.getValue());
        }
        return size;
    }

    private static long valueBytes(DdbValue v) {
        switch (v.type()) {
            case S:
                return Utf8.length(v.asString());
            case N:
                return numberBytes(v.asNumber());
            case B:
                return v.asBytes().length;
            case BOOL:
            case NULL:
                return 1;
            case L:
                long list = 3;
                for (DdbValue e : v.asList()) {
                    list += 1 + valueBytes(e);
                }
                return list;
            case M:
                return 3 + v.asMap().size() + itemBytes(v.asMap());
            case SS:
                long strings = 0;
                for (Object s : v.asSet()) {
                    strings += Utf8.length((String) s);
                }
                return strings;
            case NS:
                long numbers = 0;
                for (Object n : v.asSet()) {
                    numbers += numberBytes((BigDecimal) n);
                }
                return numbers;
            default:
                long binaries = 0;
                for (Object b : v.asSet()) {
                    binaries += ((byte[]) b).length;
                }
                return binaries;
        }
    }

    private static long numberBytes(BigDecimal n) {
        return (n.signum() == 0 ? 1 : n.stripTrailingZeros().precision() + 1) / 2 + 1;
    }
}
