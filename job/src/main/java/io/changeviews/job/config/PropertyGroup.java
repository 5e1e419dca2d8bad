package io.changeviews.job.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** Typed, validated reads from one property group; every error names the group and the key. */
final class PropertyGroup {
    private static final long MAX_MILLIS = 365L * 24 * 3600 * 1000;

    private final String id;
    private final Properties props;

    PropertyGroup(String id, Properties props) {
        this.id = id;
        this.props = props == null ? new Properties() : props;
    }

    String id() {
        return id;
    }

    String required(String key) {
        String v = optional(key, null);
        if (v == null) {
            throw new ConfigException(id, key, "is required");
        }
        return v;
    }

    String optional(String key, String defaultValue) {
        String v = props.getProperty(key);
        return v == null || v.trim().isEmpty() ? defaultValue : v.trim();
    }

    /**
     * A duration in milliseconds: positive, and at most a year (timers add it to the current time).
     */
    long positiveMillis(String key, long defaultValue) {
        return wholeNumber(key, defaultValue, 1, MAX_MILLIS, " of milliseconds");
    }

    /** A whole number within [min, max]. */
    long wholeNumber(String key, long defaultValue, long min, long max) {
        return wholeNumber(key, defaultValue, min, max, "");
    }

    private long wholeNumber(String key, long defaultValue, long min, long max, String unit) {
        String v = optional(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    id,
                    key,
                    "must be a whole number"
                            + unit
                            + " from "
                            + min
                            + " to "
                            + max
                            + ", got '"
                            + v
                            + "'");
        }
    }

    /** A number greater than zero, fractions allowed. */
    double positiveNumber(String key, double defaultValue) {
        String v = optional(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            double n = Double.parseDouble(v);
            if (!(n > 0) || Double.isInfinite(n)) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(id, key, "must be a number greater than 0, got '" + v + "'");
        }
    }

    boolean bool(String key, boolean defaultValue) {
        String v = optional(key, null);
        if (v == null) {
            return defaultValue;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new ConfigException(id, key, "must be true or false, got '" + v + "'");
    }

    <E extends Enum<E>> E oneOf(String key, Class<E> type, E defaultValue) {
        String v = optional(key, null);
        if (v == null) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.replace('-', '_'))) {
                return e;
            }
        }
        throw new ConfigException(
                id,
                key,
                "must be one of " + Arrays.toString(type.getEnumConstants()) + ", got '" + v + "'");
    }

    List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (String part : required(key).split(",")) {
            if (!part.trim().isEmpty()) {
                out.add(part.trim());
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(id, key, "must list at least one name");
        }
        return out;
    }

    /** The keys that start with {@code prefix}, sorted. */
    Set<String> keysWithPrefix(String prefix) {
        Set<String> out = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * Fails on any key that is not {@code known} and does not start with one of {@code
     * knownPrefixes}.
     */
    void rejectUnknown(Set<String> known, String... knownPrefixes) {
        for (String k : props.stringPropertyNames()) {
            if (known.contains(k)) {
                continue;
            }
            boolean prefixed = false;
            for (String p : knownPrefixes) {
                prefixed |= k.startsWith(p);
            }
            if (!prefixed) {
                throw new ConfigException(
                        id, k, "is not a known property (known: " + new TreeSet<>(known) + ")");
            }
        }
    }

    Map<Object, Object> raw() {
        return props;
    }
}
