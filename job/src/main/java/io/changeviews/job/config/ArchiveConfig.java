package io.changeviews.job.config;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@value #GROUP} property group: where the Parquet archive goes and how to reach it. Without a
 * {@value #PATH} the archive is off.
 *
 * <p>Keys: {@value #PATH} ({@code s3://bucket/prefix} or a local folder), {@value #S3_ENDPOINT},
 * {@value #S3_PATH_STYLE_ACCESS}, {@value #S3_ACCESS_KEY} and {@value #S3_SECRET_KEY} (an
 * S3-compatible store or fixed credentials; leave them out on MSF, where the application's role is
 * used), and {@value #PART_MAX_BYTES} (a part is rolled at checkpoints and at this size) and
 * {@value #COMPACTION_CHECKPOINTS} (merge each partition's parts every that many checkpoints; 0,
 * the default, for never).
 */
public final class ArchiveConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String GROUP = "archive";
    public static final String PATH = "path";
    public static final String S3_ENDPOINT = "s3.endpoint";
    public static final String S3_PATH_STYLE_ACCESS = "s3.path-style-access";
    public static final String S3_ACCESS_KEY = "s3.access-key";
    public static final String S3_SECRET_KEY = "s3.secret-key";
    public static final String PART_MAX_BYTES = "part.max-bytes";
    public static final String COMPACTION_CHECKPOINTS = "compaction.checkpoints";

    public static final Set<String> KEYS =
            Set.of(
                    PATH,
                    S3_ENDPOINT,
                    S3_PATH_STYLE_ACCESS,
                    S3_ACCESS_KEY,
                    S3_SECRET_KEY,
                    PART_MAX_BYTES,
                    COMPACTION_CHECKPOINTS);

    private static final long DEFAULT_PART_MAX_BYTES = 128L << 20;
    private static final long MIN_PART_MAX_BYTES = 1L << 20;
    private static final int MAX_COMPACTION_CHECKPOINTS = 1000;

    private final String path;
    private final String s3Endpoint;
    private final boolean s3PathStyleAccess;
    private final String s3AccessKey;
    private final String s3SecretKey;
    private final long partMaxBytes;
    private final int compactionCheckpoints;

    private ArchiveConfig(PropertyGroup g) {
        g.rejectUnknown(KEYS);
        String raw = g.optional(PATH, null);
        this.path = raw == null ? null : normalizePath(raw);
        this.s3Endpoint = g.optional(S3_ENDPOINT, null);
        if (s3Endpoint != null && !s3Endpoint.matches("https?://[^/\\s]+/?")) {
            throw new ConfigException(
                    GROUP,
                    S3_ENDPOINT,
                    "must be an http(s)://host[:port] URL, got '" + s3Endpoint + "'");
        }
        this.s3PathStyleAccess = g.bool(S3_PATH_STYLE_ACCESS, false);
        this.s3AccessKey = g.optional(S3_ACCESS_KEY, null);
        this.s3SecretKey = g.optional(S3_SECRET_KEY, null);
        if ((s3AccessKey == null) != (s3SecretKey == null)) {
            throw new ConfigException(
                    GROUP,
                    s3AccessKey == null ? S3_ACCESS_KEY : S3_SECRET_KEY,
                    "is required when "
                            + (s3AccessKey == null ? S3_SECRET_KEY : S3_ACCESS_KEY)
                            + " is set");
        }
        String max = g.optional(PART_MAX_BYTES, null);
        try {
            this.partMaxBytes = max == null ? DEFAULT_PART_MAX_BYTES : Long.parseLong(max);
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    GROUP, PART_MAX_BYTES, "must be a whole number of bytes, got '" + max + "'");
        }
        if (partMaxBytes < MIN_PART_MAX_BYTES) {
            throw new ConfigException(
                    GROUP,
                    PART_MAX_BYTES,
                    "must be at least " + MIN_PART_MAX_BYTES + " (1 MiB), got " + partMaxBytes);
        }
        this.compactionCheckpoints =
                (int) g.wholeNumber(COMPACTION_CHECKPOINTS, 0, 0, MAX_COMPACTION_CHECKPOINTS);
    }

    static ArchiveConfig from(PropertyGroup group) {
        return new ArchiveConfig(group);
    }

    /**
     * An {@code s3://} or {@code s3a://} URI with a bucket, or a local folder as a {@code file:}
     * URI.
     */
    private static String normalizePath(String raw) {
        String p = raw.replaceAll("/+$", "");
        if (p.matches("(?i)s3a?:.*")) {
            if (!p.matches("s3a?://[^/\\s]+(/\\S*)?")) {
                throw new ConfigException(
                        GROUP,
                        PATH,
                        "must be s3://<bucket>[/prefix], like s3://my-bucket/changeviews, got '"
                                + raw
                                + "'");
            }
            return p;
        }
        Path local;
        try {
            local = p.startsWith("file:") ? Paths.get(URI.create(p)) : Paths.get(p);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    GROUP,
                    PATH,
                    "'"
                            + raw
                            + "' is neither s3://<bucket>/<prefix> nor a local folder: "
                            + e.getMessage());
        }
        if (!local.isAbsolute()) {
            throw new ConfigException(
                    GROUP, PATH, "a local folder must be an absolute path, got '" + raw + "'");
        }
        return local.toUri().toString().replaceAll("/+$", "");
    }

    /**
     * The path override that turns the archive off, or points it elsewhere, in {@code
     * ApplicationProperties.withOverrides}.
     */
    public static Map<String, String> pathOverride(String pathOrNullToDisable) {
        Map<String, String> m = new HashMap<>();
        m.put(PATH, pathOrNullToDisable);
        return m;
    }

    public boolean enabled() {
        return path != null;
    }

    /** The archive's base URI, without a trailing slash; null when the archive is off. */
    public String path() {
        return path;
    }

    /**
     * Whether the path is on the local file system (the local runner's warehouse) rather than S3.
     */
    public boolean isLocal() {
        return path != null && path.startsWith("file:");
    }

    public long partMaxBytes() {
        return partMaxBytes;
    }

    /** Merge each partition's parts every this many checkpoints; 0 for never. */
    public int compactionCheckpoints() {
        return compactionCheckpoints;
    }

    /**
     * Flink's {@code s3.*} filesystem options for the configured endpoint and credentials; empty
     * when neither is configured (MSF: its S3 filesystem and the application's role are used).
     */
    public Map<String, String> flinkS3Options() {
        Map<String, String> o = new LinkedHashMap<>();
        if (s3Endpoint == null && s3AccessKey == null) {
            return o;
        }
        if (s3Endpoint != null) {
            o.put("s3.endpoint", s3Endpoint);
        }
        o.put("s3.path.style.access", Boolean.toString(s3PathStyleAccess));
        if (s3AccessKey != null) {
            o.put("s3.access-key", s3AccessKey);
            o.put("s3.secret-key", s3SecretKey);
        }
        // S3A otherwise deletes the parent "directory markers" after every commit, which
        // S3-compatible stores
        // answer slowly or not at all; keeping them is harmless for readers.
        o.put("s3.directory.marker.retention", "keep");
        return o;
    }

    /** Never shows the secret key. */
    @Override
    public String toString() {
        return "archive "
                + (path == null ? "off" : path)
                + (s3Endpoint == null ? "" : " via " + s3Endpoint)
                + (s3AccessKey == null ? "" : " as " + s3AccessKey + " (secret hidden)");
    }
}
