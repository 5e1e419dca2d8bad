package io.changeviews.job.config;

/** A missing or malformed configuration property; the message names the group and the key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String group, String key, String problem) {
        super("configuration " + group + (key == null ? "" : " / " + key) + ": " + problem);
    }
}
