package io.changeviews.job.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the project's checkout (the folder holding kda-app.json) from wherever a local run or test
 * starts.
 */
public final class RepoPaths {
    /** System property naming another folder for {@link #localDir()}, e.g. a test's own. */
    public static final String LOCAL_DIR_PROPERTY = "changeviews.local.dir";

    private RepoPaths() {}

    /**
     * The checkout root: the nearest folder at or above the working directory that holds {@code
     * kda-app.json}.
     */
    public static Path root() {
        Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("kda-app.json"))) {
                return d;
            }
        }
        throw new IllegalStateException(
                "no kda-app.json at or above " + dir + "; run from the project checkout");
    }

    /** The shipped configuration. */
    public static Path kdaAppJson() {
        return root().resolve("kda-app.json");
    }

    /**
     * The local runner's Parquet archive (its default {@code archive.path}), which the query
     * command reads.
     */
    public static Path warehouse() {
        return localDir().resolve("warehouse");
    }

    /**
     * Where local runs keep what they download and write: {@code .local/} (ignored by git), unless
     * {@value #LOCAL_DIR_PROPERTY} names another folder.
     */
    public static Path localDir() {
        String configured = System.getProperty(LOCAL_DIR_PROPERTY);
        return configured != null
                ? Paths.get(configured).toAbsolutePath()
                : root().resolve(".local");
    }
}
