package io.changeviews.job.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Loads the property groups: on MSF from the application's runtime properties, locally from the
 * {@code PropertyGroups} of a {@code kda-app.json} file, so both runs read one configuration.
 */
public final class ApplicationProperties {
    private ApplicationProperties() {}

    /** The groups MSF hands the application. */
    public static Map<String, Properties> fromMsfRuntime() throws IOException {
        return new LinkedHashMap<>(KinesisAnalyticsRuntime.getApplicationProperties());
    }

    /**
     * The groups of a CreateApplication input ({@code
     * ApplicationConfiguration.EnvironmentProperties.PropertyGroups}).
     */
    public static Map<String, Properties> fromKdaAppJson(Path file) throws IOException {
        JsonNode groups =
                new ObjectMapper()
                        .readTree(Files.readAllBytes(file))
                        .path("ApplicationConfiguration")
                        .path("EnvironmentProperties")
                        .path("PropertyGroups");
        if (!groups.isArray()) {
            throw new ConfigException(
                    file.toString(),
                    null,
                    "has no ApplicationConfiguration.EnvironmentProperties.PropertyGroups array");
        }
        Map<String, Properties> out = new LinkedHashMap<>();
        for (JsonNode group : groups) {
            String id = group.path("PropertyGroupId").asText(null);
            if (id == null) {
                throw new ConfigException(
                        file.toString(), null, "a property group has no PropertyGroupId");
            }
            Properties props = new Properties();
            group.path("PropertyMap")
                    .fields()
                    .forEachRemaining(e -> props.setProperty(e.getKey(), e.getValue().asText()));
            if (out.put(id, props) != null) {
                throw new ConfigException(id, null, "property group is declared twice in " + file);
            }
        }
        return out;
    }

    /**
     * A copy of {@code groups} with {@code group -> key -> value} overrides applied (e.g. local
     * endpoints).
     */
    public static Map<String, Properties> withOverrides(
            Map<String, Properties> groups, Map<String, Map<String, String>> overrides) {
        Map<String, Properties> out = new LinkedHashMap<>();
        groups.forEach(
                (id, props) -> {
                    Properties copy = new Properties();
                    copy.putAll(props);
                    out.put(id, copy);
                });
        overrides.forEach(
                (id, values) -> {
                    Properties p = out.computeIfAbsent(id, k -> new Properties());
                    values.forEach(
                            (k, v) -> {
                                if (v == null) {
                                    p.remove(k);
                                } else {
                                    p.setProperty(k, v);
                                }
                            });
                });
        return out;
    }
}
