package io.changeviews.job.local;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Build check of the MSF jar: fails when a class in it needs a newer Java than MSF's Flink 1.19
 * runtime (Java 11, class file version 55), and prints the jar's size. Classes under a multi-release
 * jar's {@code META-INF/versions/N/} for N above 11 are skipped: a Java 11 runtime never loads them.
 */
public final class JarBytecodeCheck {
    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/(\\d+)/.*");

    private JarBytecodeCheck() {}

    /** Arguments: the jar, and the highest allowed Java release (e.g. 11). */
    public static void main(String[] args) throws IOException {
        Path jar = Paths.get(args[0]);
        int release = Integer.parseInt(args[1]);
        int maxMajor = 44 + release;
        List<String> tooNew = new ArrayList<>();
        int classes = 0;
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().endsWith(".class") || entry.getName().endsWith("module-info.class")) {
                    continue;
                }
                Matcher versioned = VERSIONED.matcher(entry.getName());
                if (versioned.matches() && Integer.parseInt(versioned.group(1)) > release) {
                    continue;
                }
                classes++;
                int major = majorVersion(file.getInputStream(entry));
                if (major > maxMajor) {
                    tooNew.add(entry.getName() + " (class file version " + major + ")");
                }
            }
        }
        System.out.printf("%s: %.1f MB, %d classes checked for Java %d%n", jar.getFileName(), Files.size(jar) / 1e6, classes, release);
        if (!tooNew.isEmpty()) {
            tooNew.stream().limit(20).forEach(c -> System.err.println("  too new: " + c));
            throw new IllegalStateException(tooNew.size() + " classes in " + jar + " need a Java newer than " + release);
        }
    }

    private static int majorVersion(InputStream in) throws IOException {
        try (DataInputStream data = new DataInputStream(in)) {
            data.readInt();
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }
}
