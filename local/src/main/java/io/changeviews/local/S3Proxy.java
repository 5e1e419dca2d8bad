package io.changeviews.local;

import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3proxy, a local S3 API server, in a JVM of its own (its dependencies clash with Flink's) with
 * the filesystem backend: each bucket is a folder under {@link #dataDir()}, each object a file, so
 * tests can look at what really landed behind the S3 API.
 */
public final class S3Proxy implements AutoCloseable {
    /**
     * The key pair s3proxy accepts; the secret is one no other part uses, so tests can look for it.
     */
    public static final String ACCESS_KEY = "local";

    public static final String SECRET_KEY = "s3proxy-local-secret";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private S3Proxy(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * Starts s3proxy on a free port, keeping its objects and log under {@code workDir}, with the
     * buckets already created.
     */
    public static S3Proxy start(Path workDir, String... buckets) {
        Path jar = RepoPaths.root().resolve("local/target/s3proxy/s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar
                            + " is missing; the build copies it there (mvn -pl local"
                            + " generate-resources)");
        }
        int port = LocalEnvironment.freePort();
        try {
            Path dataDir = Files.createDirectories(workDir.resolve("data"));
            for (String bucket : buckets) {
                Files.createDirectories(dataDir.resolve(bucket));
            }
            Path properties = workDir.resolve("s3proxy.conf");
            Files.write(
                    properties,
                    List.of(
                            "s3proxy.endpoint=http://" + LocalEnvironment.LOOPBACK + ":" + port,
                            "s3proxy.authorization=aws-v2-or-v4",
                            "s3proxy.identity=" + ACCESS_KEY,
                            "s3proxy.credential=" + SECRET_KEY,
                            "jclouds.provider=filesystem-nio2",
                            "jclouds.filesystem.basedir=" + dataDir.toAbsolutePath(),
                            // The backend needs a key pair of its own, whatever it is.
                            "jclouds.identity=backend",
                            "jclouds.credential=backend"),
                    StandardCharsets.UTF_8);
            // s3proxy logs every request at DEBUG unless told otherwise.
            Path logback = workDir.resolve("logback.xml");
            Files.write(
                    logback,
                    List.of(
                            "<configuration><appender name=\"out\""
                                + " class=\"ch.qos.logback.core.ConsoleAppender\"><encoder><pattern>%d"
                                + " %-5level %logger{20} -"
                                + " %msg%n</pattern></encoder></appender><root"
                                + " level=\"WARN\"><appender-ref"
                                + " ref=\"out\"/></root></configuration>"),
                    StandardCharsets.UTF_8);
            Path log = workDir.resolve("s3proxy.log");
            Process process =
                    new ProcessBuilder(
                                    ChildProcess.java(),
                                    "-Xmx256m",
                                    "-Dlogback.configurationFile=" + logback.toAbsolutePath(),
                                    "-jar",
                                    jar.toString(),
                                    "--properties",
                                    properties.toAbsolutePath().toString())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            S3Proxy proxy = new S3Proxy(process, port, dataDir, log);
            proxy.awaitPort();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("s3proxy could not be started", e);
        }
    }

    public String endpoint() {
        return "http://" + LocalEnvironment.LOOPBACK + ":" + port;
    }

    /**
     * An S3 client for this server (path-style addressing: bucket names are not DNS names here).
     */
    public S3Client client() {
        return LocalEnvironment.client(
                S3Client.builder().forcePathStyle(true), endpoint(), ACCESS_KEY, SECRET_KEY);
    }

    /** The backend's folder: {@code <bucket>/<key>} for every stored object. */
    public Path dataDir() {
        return dataDir;
    }

    private void awaitPort() {
        try {
            ChildProcess.awaitPort(
                    process,
                    "s3proxy",
                    LocalEnvironment.LOOPBACK,
                    port,
                    START_TIMEOUT,
                    () -> "see " + log);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        ChildProcess.stop(process);
    }
}
