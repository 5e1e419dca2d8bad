package io.changeviews.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@value #SENTIMENT} group: which source table holds reviews and how their text is scored.
 *
 * <p>Keys: {@value #TABLE} (the reviews table's SQL name; without it there is no enrichment),
 * {@value #ENGINE} ({@code embedded} | {@code comprehend}), {@value #TEXT_COLUMNS}, {@value
 * #KEY_COLUMNS}, {@value #LANGUAGE}, {@value #LANGUAGE_COLUMN}, {@value #BATCH_SIZE}, {@value
 * #BATCH_MAX_WAIT_MS}, {@value #MAX_IN_FLIGHT}, {@value #CALLS_PER_SECOND}, {@value
 * #CALL_TIMEOUT_MS}, {@value #MAX_ATTEMPTS}, {@value #BACKOFF_BASE_MS}, {@value #BACKOFF_MAX_MS},
 * {@value #CACHE_TABLE}, and {@code aws.*} settings of the Comprehend client (the score cache uses
 * the {@code dynamodb} group's).
 */
public final class SentimentConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The languages Comprehend's BatchDetectSentiment accepts; a configured default language must
     * be one of them.
     */
    public static final Set<String> COMPREHEND_LANGUAGES =
            Set.of("en", "es", "fr", "de", "it", "pt", "ar", "hi", "ja", "ko", "zh", "zh-TW");

    public static final String SENTIMENT = "sentiment";
    public static final String TABLE = "table";
    public static final String ENGINE = "engine";
    public static final String TEXT_COLUMNS = "text.columns";
    public static final String KEY_COLUMNS = "key.columns";
    public static final String LANGUAGE = "language";
    public static final String LANGUAGE_COLUMN = "language.column";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCH_MAX_WAIT_MS = "batch.max-wait.ms";
    public static final String MAX_IN_FLIGHT = "max-in-flight";
    public static final String CALLS_PER_SECOND = "comprehend.calls-per-second";
    public static final String CALL_TIMEOUT_MS = "comprehend.timeout.ms";
    public static final String MAX_ATTEMPTS = "comprehend.max-attempts";
    public static final String BACKOFF_BASE_MS = "comprehend.backoff.base.ms";
    public static final String BACKOFF_MAX_MS = "comprehend.backoff.max.ms";
    public static final String CACHE_TABLE = "cache.table";

    public static final Set<String> KEYS =
            Set.of(
                    TABLE,
                    ENGINE,
                    TEXT_COLUMNS,
                    KEY_COLUMNS,
                    LANGUAGE,
                    LANGUAGE_COLUMN,
                    BATCH_SIZE,
                    BATCH_MAX_WAIT_MS,
                    MAX_IN_FLIGHT,
                    CALLS_PER_SECOND,
                    CALL_TIMEOUT_MS,
                    MAX_ATTEMPTS,
                    BACKOFF_BASE_MS,
                    BACKOFF_MAX_MS,
                    CACHE_TABLE);

    /** BatchDetectSentiment takes at most 25 documents. */
    public static final int MAX_BATCH = 25;

    /** Which engine scores the reviews. */
    public enum Engine {
        EMBEDDED,
        COMPREHEND
    }

    private final SourceTableSpec table;
    private final Engine engine;
    private final List<String> textColumns;
    private final List<String> keyColumns;
    private final String language;
    private final String languageColumn;
    private final int batchSize;
    private final Duration batchMaxWait;
    private final int maxInFlight;
    private final double callsPerSecond;
    private final Duration callTimeout;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final String cacheTable;
    private final Properties aws;

    private SentimentConfig(PropertyGroup g, SourceTableSpec table) {
        this.table = table;
        this.engine = g.oneOf(ENGINE, Engine.class, Engine.EMBEDDED);
        this.textColumns = columns(g, TEXT_COLUMNS, "review_body");
        this.keyColumns = columns(g, KEY_COLUMNS, "pk,sk");
        this.language = g.optional(LANGUAGE, "en");
        String langColumn = g.optional(LANGUAGE_COLUMN, null);
        if (langColumn != null) {
            requireColumn(g, LANGUAGE_COLUMN, langColumn);
        }
        this.languageColumn = langColumn;
        this.batchSize = (int) g.wholeNumber(BATCH_SIZE, MAX_BATCH, 1, MAX_BATCH);
        this.batchMaxWait = Duration.ofMillis(g.positiveMillis(BATCH_MAX_WAIT_MS, 200));
        this.maxInFlight = (int) g.wholeNumber(MAX_IN_FLIGHT, 100, 1, 10_000);
        this.callsPerSecond = g.positiveNumber(CALLS_PER_SECOND, 10);
        this.callTimeout = Duration.ofMillis(g.positiveMillis(CALL_TIMEOUT_MS, 10_000));
        this.maxAttempts = (int) g.wholeNumber(MAX_ATTEMPTS, 6, 1, 20);
        this.backoffBase = Duration.ofMillis(g.positiveMillis(BACKOFF_BASE_MS, 100));
        this.backoffMax = Duration.ofMillis(g.positiveMillis(BACKOFF_MAX_MS, 5_000));
        this.cacheTable = g.optional(CACHE_TABLE, "changeviews_sentiment_cache");
        if (backoffBase.compareTo(backoffMax) > 0) {
            throw new ConfigException(
                    SENTIMENT,
                    BACKOFF_BASE_MS,
                    "must not exceed " + BACKOFF_MAX_MS + " (" + backoffMax.toMillis() + ")");
        }
        if (maxInFlight < batchSize) {
            throw new ConfigException(
                    SENTIMENT,
                    MAX_IN_FLIGHT,
                    "must be at least "
                            + BATCH_SIZE
                            + " ("
                            + batchSize
                            + "), or batches never fill");
        }
        if (engine == Engine.EMBEDDED && !language.equals("en")) {
            throw new ConfigException(
                    SENTIMENT,
                    LANGUAGE,
                    "the embedded engine scores English only; use en, or engine comprehend");
        }
        if (engine == Engine.COMPREHEND && !COMPREHEND_LANGUAGES.contains(language)) {
            throw new ConfigException(
                    SENTIMENT,
                    LANGUAGE,
                    "Comprehend does not score '"
                            + language
                            + "'; it supports "
                            + new TreeSet<>(COMPREHEND_LANGUAGES));
        }
        this.aws = new Properties();
        for (String k : g.keysWithPrefix("aws.")) {
            aws.setProperty(k, g.required(k));
        }
    }

    /** The group's settings, or null when the group names no table (no enrichment). */
    static SentimentConfig from(Properties props, List<SourceTableSpec> tables) {
        PropertyGroup g = new PropertyGroup(SENTIMENT, props);
        g.rejectUnknown(KEYS, "aws.");
        String name = g.optional(TABLE, null);
        if (name == null) {
            if (props != null && !props.isEmpty()) {
                throw new ConfigException(
                        SENTIMENT, TABLE, "is required when the sentiment group is present");
            }
            return null;
        }
        for (SourceTableSpec t : tables) {
            if (t.sqlName().equals(name)) {
                return new SentimentConfig(g, t);
            }
        }
        throw new ConfigException(
                SENTIMENT, TABLE, "table " + name + " is not declared as a table.<name> group");
    }

    private List<String> columns(PropertyGroup g, String key, String defaultValue) {
        List<String> names = new ArrayList<>();
        for (String part : g.optional(key, defaultValue).split(",")) {
            if (!part.trim().isEmpty()) {
                names.add(requireColumn(g, key, part.trim()));
            }
        }
        if (names.isEmpty()) {
            throw new ConfigException(SENTIMENT, key, "must list at least one column");
        }
        return names;
    }

    private String requireColumn(PropertyGroup g, String key, String name) {
        for (ColumnSpec c : table.columns()) {
            if (c.name().equals(name)) {
                return name;
            }
        }
        throw new ConfigException(
                g.id(), key, "column " + name + " is not declared in table." + table.sqlName());
    }

    /** The reviews source table. */
    public SourceTableSpec table() {
        return table;
    }

    public Engine engine() {
        return engine;
    }

    public List<String> textColumns() {
        return textColumns;
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    /** The language of reviews whose language column is empty (or when there is none). */
    public String language() {
        return language;
    }

    /** The column with a review's language code, or null. */
    public String languageColumn() {
        return languageColumn;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration batchMaxWait() {
        return batchMaxWait;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Comprehend calls per second, for the whole job. */
    public double callsPerSecond() {
        return callsPerSecond;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration backoffBase() {
        return backoffBase;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    /** The DynamoDB table of scores already paid for (Comprehend only). */
    public String cacheTable() {
        return cacheTable;
    }

    /** A copy of the {@code aws.*} settings for the Comprehend client. */
    public Properties aws() {
        Properties p = new Properties();
        p.putAll(aws);
        return p;
    }
}
