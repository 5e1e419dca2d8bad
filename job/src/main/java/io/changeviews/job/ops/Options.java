package io.changeviews.job.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code --name value} options of the local commands, which Maven hands over as one string.
 */
public final class Options {
    private Options() {}

    /**
     * @param args the command's arguments; a single argument holding spaces is split first
     * @param defaults name, default value, name, default value, ...
     */
    public static Map<String, String> parse(String[] args, String... defaults) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < defaults.length; i += 2) {
            out.put(defaults[i], defaults[i + 1]);
        }
        String[] words =
                String.join(" ", args).trim().isEmpty()
                        ? new String[0]
                        : String.join(" ", args).trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String name = words[i].startsWith("--") ? words[i].substring(2) : null;
            if (name == null || !out.containsKey(name) || i + 1 >= words.length) {
                throw new IllegalArgumentException(
                        "unknown option or missing value: " + words[i] + "; options: " + out);
            }
            out.put(name, words[++i]);
        }
        return out;
    }
}
