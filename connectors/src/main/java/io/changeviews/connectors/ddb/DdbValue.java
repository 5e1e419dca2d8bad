package io.changeviews.connectors.ddb;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One DynamoDB attribute value, typed as DynamoDB types it; numbers stay exact decimals. Immutable:
 * byte arrays are copied in and out, so Flink may pass one instance between chained operators.
 */
public final class DdbValue implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The DynamoDB attribute type descriptors. */
    public enum Type {
        S,
        N,
        B,
        BOOL,
        NULL,
        L,
        M,
        SS,
        NS,
        BS
    }

    private final Type type;

    /**
     * String for S, BigDecimal for N, byte[] for B, Boolean for BOOL, null for NULL, an ArrayList
     * or LinkedHashMap otherwise: plain mutable collections, because Flink's Kryo fallback cannot
     * rebuild immutable ones. They are never handed out unwrapped.
     */
    private final Object value;

    private DdbValue(Type type, Object value) {
        this.type = type;
        this.value = value;
    }

    public static DdbValue s(String s) {
        return new DdbValue(Type.S, Objects.requireNonNull(s));
    }

    public static DdbValue n(BigDecimal n) {
        return new DdbValue(Type.N, Objects.requireNonNull(n));
    }

    public static DdbValue b(byte[] b) {
        return new DdbValue(Type.B, Objects.requireNonNull(b).clone());
    }

    public static DdbValue bool(boolean b) {
        return new DdbValue(Type.BOOL, b);
    }

    public static DdbValue nul() {
        return new DdbValue(Type.NULL, null);
    }

    public static DdbValue l(List<DdbValue> l) {
        return new DdbValue(Type.L, new ArrayList<>(l));
    }

    public static DdbValue m(Map<String, DdbValue> m) {
        return new DdbValue(Type.M, new LinkedHashMap<>(m));
    }

    public static DdbValue ss(List<String> ss) {
        return new DdbValue(Type.SS, members(ss));
    }

    public static DdbValue ns(List<BigDecimal> ns) {
        return new DdbValue(Type.NS, members(ns));
    }

    public static DdbValue bs(List<byte[]> bs) {
        ArrayList<byte[]> members = members(bs);
        members.replaceAll(byte[]::clone);
        return new DdbValue(Type.BS, members);
    }

    /** DynamoDB rejects an empty set in any write, so no such value may exist here either. */
    private static <T> ArrayList<T> members(List<T> set) {
        if (set.isEmpty()) {
            throw new IllegalArgumentException("DynamoDB has no empty sets");
        }
        return new ArrayList<>(set);
    }

    /** A number as DynamoDB writes it: plain notation, no trailing zeros. */
    public static String numberText(BigDecimal n) {
        return n.stripTrailingZeros().toPlainString();
    }

    public Type type() {
        return type;
    }

    public String asString() {
        return (String) expect(Type.S);
    }

    public BigDecimal asNumber() {
        return (BigDecimal) expect(Type.N);
    }

    public byte[] asBytes() {
        return ((byte[]) expect(Type.B)).clone();
    }

    public boolean asBoolean() {
        return (Boolean) expect(Type.BOOL);
    }

    @SuppressWarnings("unchecked")
    public List<DdbValue> asList() {
        return Collections.unmodifiableList((List<DdbValue>) expect(Type.L));
    }

    @SuppressWarnings("unchecked")
    public Map<String, DdbValue> asMap() {
        return Collections.unmodifiableMap((Map<String, DdbValue>) expect(Type.M));
    }

    /** The members of a set (SS, NS or BS) as Java values; a binary set's members are copies. */
    @SuppressWarnings("unchecked")
    public List<?> asSet() {
        if (type == Type.BS) {
            List<byte[]> copies = new ArrayList<>((List<byte[]>) value);
            copies.replaceAll(byte[]::clone);
            return Collections.unmodifiableList(copies);
        }
        if (type != Type.SS && type != Type.NS) {
            throw new IllegalStateException("expected a set, got " + type);
        }
        return Collections.unmodifiableList((List<?>) value);
    }

    private Object expect(Type expected) {
        if (type != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + type);
        }
        return value;
    }

    /**
     * A compact text form used for item keys and diagnostics: numbers in plain notation, bytes as
     * base64.
     */
    public String toKeyString() {
        switch (type) {
            case S:
                return (String) value;
            case N:
                return numberText((BigDecimal) value);
            case B:
                return Base64.getEncoder().encodeToString((byte[]) value);
            default:
                return toString();
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DdbValue)) {
            return false;
        }
        DdbValue other = (DdbValue) o;
        if (type != other.type) {
            return false;
        }
        switch (type) {
            case N:
                return ((BigDecimal) value).compareTo((BigDecimal) other.value) == 0;
            case B:
                return Arrays.equals((byte[]) value, (byte[]) other.value);
            case BS:
                List<?> a = (List<?>) value;
                List<?> b = (List<?>) other.value;
                if (a.size() != b.size()) {
                    return false;
                }
                for (int i = 0; i < a.size(); i++) {
                    if (!Arrays.equals((byte[]) a.get(i), (byte[]) b.get(i))) {
                        return false;
                    }
                }
                return true;
            default:
                return Objects.equals(value, other.value);
        }
    }

    @Override
    public int hashCode() {
        switch (type) {
            case N:
                return ((BigDecimal) value).stripTrailingZeros().hashCode();
            case B:
                return Arrays.hashCode((byte[]) value);
            default:
                return Objects.hash(type, value instanceof List && type == Type.BS ? null : value);
        }
    }

    @Override
    public String toString() {
        return "{" + type + ":" + (type == Type.B ? toKeyString() : value) + "}";
    }
}
