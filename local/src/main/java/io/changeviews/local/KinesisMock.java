package io.changeviews.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * kinesis-mock (npm {@code kinesis-local}) run with node as a child process, with an SDK client
 * pointed at it, listening on the loopback address only: it has no bind option, so node preloads
 * {@code loopback-only.js}, which binds every server of the process there.
 */
public final class KinesisMock implements AutoCloseable {

    public static final String PACKAGE = "kinesis-local";
    public static final String VERSION = "0.6.2";

    /** System property naming the folder that caches the npm install and holds the logs. */
    public static final String DIR_PROPERTY = "changeviews.kinesis-local.dir";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;
    private static final String LOOPBACK_SHIM = "loopback-only.js";

    private final Process process;
    private final Thread killOnExit;
    private final int port;
    private final Path log;
    private final KinesisClient client;

    private KinesisMock(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        // A JVM stopped with Ctrl-C never reaches close(); an orphaned node would keep the port.
        this.killOnExit = new Thread(this::destroyProcessTree, "kinesis-mock-shutdown");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        // SDK v2 speaks CBOR to Kinesis by default; kinesis-mock understands it
        // (EmulatorKitITCase), so it stays on.
        this.client = LocalEnvironment.client(KinesisClient.builder(), endpoint());
    }

    /** Starts kinesis-mock on a free port with no streams. */
    public static KinesisMock start() {
        return start(LocalEnvironment.freePort(), Map.of());
    }

    /**
     * Starts kinesis-mock on a free port with the given streams (name to shard count), ACTIVE on
     * return.
     */
    public static KinesisMock start(Map<String, Integer> initialStreams) {
        return start(LocalEnvironment.freePort(), initialStreams);
    }

    /**
     * Starts kinesis-mock on the given plain-HTTP port with the given streams, ACTIVE on return.
     */
    public static KinesisMock start(int port, Map<String, Integer> initialStreams) {
        requireFree(port);
        Path dir = cacheDir();
        Path packageDir = install(dir);
        Path log = dir.resolve("kinesis-mock-" + port + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(
                                "node",
                                "--require",
                                loopbackShim(dir).toString(),
                                mainScript(packageDir))
                        // It reads its TLS certificate (server.json) relative to the working
                        // directory.
                        .directory(packageDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KINESIS_MOCK_PLAIN_PORT", String.valueOf(port));
        env.put("KINESIS_MOCK_TLS_PORT", String.valueOf(LocalEnvironment.freePort()));
        env.put("AWS_REGION", LocalEnvironment.REGION.id());
        env.put("LOG_LEVEL", "WARN");
        if (!initialStreams.isEmpty()) {
            env.put(
                    "INITIALIZE_STREAMS",
                    initialStreams.entrySet().stream()
                            .map(stream -> stream.getKey() + ":" + stream.getValue())
                            .collect(Collectors.joining(",")));
        }
        KinesisMock mock = new KinesisMock(launch(builder, "node"), port, log);
        try {
            mock.awaitPort();
            initialStreams.keySet().forEach(mock::awaitActive);
            return mock;
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://" + LocalEnvironment.LOOPBACK + ":" + port;
    }

    public KinesisClient client() {
        return client;
    }

    /** Creates a provisioned stream and waits until it is ACTIVE. */
    public void createStream(String name, int shards) {
        client.createStream(request -> request.streamName(name).shardCount(shards));
        awaitActive(name);
    }

    /**
     * Splits an open shard at the middle of its hash key range, as a resharding does, and waits
     * until the stream is ACTIVE again; returns the two child shards' ids.
     */
    public List<String> splitShard(String stream, String shardId) {
        Shard parent = openShards(stream).get(shardId);
        BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
        client.splitShard(
                b ->
                        b.streamName(stream)
                                .shardToSplit(shardId)
                                .newStartingHashKey(start.add(end).shiftRight(1).toString()));
        awaitActive(stream);
        List<String> children = new ArrayList<>();
        openShards(stream)
                .values()
                .forEach(
                        s -> {
                            if (shardId.equals(s.parentShardId())) {
                                children.add(s.shardId());
                            }
                        });
        return children;
    }

    /** Merges two adjacent open shards and waits until the stream is ACTIVE again. */
    public void mergeShards(String stream, String shardId, String adjacentShardId) {
        client.mergeShards(
                b ->
                        b.streamName(stream)
                                .shardToMerge(shardId)
                                .adjacentShardToMerge(adjacentShardId));
        awaitActive(stream);
    }

    /** The stream's open shards (no ending sequence number) by id. */
    public Map<String, Shard> openShards(String stream) {
        Map<String, Shard> open = new TreeMap<>();
        for (Shard s : client.listShards(b -> b.streamName(stream)).shards()) {
            if (s.sequenceNumberRange().endingSequenceNumber() == null) {
                open.put(s.shardId(), s);
            }
        }
        return open;
    }

    @Override
    public void close() {
        client.close();
        destroyProcessTree();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shutdownInProgress) {
            // Closed from another shutdown hook: the hook runs anyway and finds the process gone.
        }
    }

    /** The folder that caches the npm install and holds the logs. */
    static Path cacheDir() {
        String configured = System.getProperty(DIR_PROPERTY);
        Path dir =
                configured != null
                        ? Paths.get(configured).toAbsolutePath()
                        : RepoPaths.localDir().resolve(PACKAGE);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the kinesis-mock folder " + dir, e);
        }
    }

    /**
     * Installs the pinned package into the cache folder unless it is already there; returns the
     * package folder.
     */
    private static Path install(Path dir) {
        Path packageDir = dir.resolve("node_modules").resolve(PACKAGE);
        if (VERSION.equals(packageJson(packageDir).path("version").asText())) {
            return packageDir;
        }
        Path log = dir.resolve("npm-install.log");
        ProcessBuilder npm =
                new ProcessBuilder(
                                "npm",
                                "install",
                                "--no-audit",
                                "--no-fund",
                                "--prefix",
                                dir.toString(),
                                PACKAGE + "@" + VERSION)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        Process process = launch(npm, "npm");
        try {
            if (!process.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "npm install of " + PACKAGE + " timed out; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while installing " + PACKAGE, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "npm install of "
                            + PACKAGE
                            + "@"
                            + VERSION
                            + " failed (exit "
                            + process.exitValue()
                            + "):\n"
                            + tail(log));
        }
        return packageDir;
    }

    /**
     * Writes the shim node preloads into the cache folder (node reads scripts from files), unless
     * it is there already: through a file of its own and a rename, so that a node starting at the
     * same time from the same folder never reads a half-written one.
     */
    private static Path loopbackShim(Path dir) {
        Path shim = dir.resolve(LOOPBACK_SHIM);
        try (InputStream in = KinesisMock.class.getResourceAsStream(LOOPBACK_SHIM)) {
            if (in == null) {
                throw new IllegalStateException(LOOPBACK_SHIM + " is missing from the class path");
            }
            byte[] script = in.readAllBytes();
            if (Files.isRegularFile(shim) && Arrays.equals(Files.readAllBytes(shim), script)) {
                return shim;
            }
            Path fresh = Files.createTempFile(dir, LOOPBACK_SHIM, ".tmp");
            Files.write(fresh, script);
            Files.move(
                    fresh,
                    shim,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + shim, e);
        }
        return shim;
    }

    /**
     * The script that package.json names as its entry point (main.js at the package root in 0.6.2).
     */
    private static String mainScript(Path packageDir) {
        String main = packageJson(packageDir).path("main").asText("main.js");
        if (!Files.isRegularFile(packageDir.resolve(main))) {
            throw new IllegalStateException(
                    "No " + main + " in " + packageDir + "; delete the folder to reinstall");
        }
        return main;
    }

    private static JsonNode packageJson(Path packageDir) {
        Path file = packageDir.resolve("package.json");
        if (!Files.isRegularFile(file)) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable " + file, e);
        }
    }

    private static Process launch(ProcessBuilder builder, String tool) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    tool
                            + " could not be started; kinesis-mock needs Node.js (20+) and npm"
                            + " on the PATH",
                    e);
        }
    }

    /**
     * Otherwise a leftover mock on a fixed port would answer the readiness probe and take the
     * traffic.
     */
    private static void requireFree(int port) {
        try {
            new ServerSocket(port).close();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Port " + port + " is in use (an earlier kinesis-mock still running?)", e);
        }
    }

    private void awaitPort() {
        ChildProcess.awaitPort(
                process,
                "kinesis-mock",
                LocalEnvironment.LOOPBACK,
                port,
                START_TIMEOUT,
                () -> tail(log));
    }

    private void awaitActive(String stream) {
        long deadline = System.nanoTime() + STREAM_TIMEOUT.toNanos();
        while (client.describeStreamSummary(request -> request.streamName(stream))
                        .streamDescriptionSummary()
                        .streamStatus()
                != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Stream " + stream + " not ACTIVE within " + STREAM_TIMEOUT);
            }
            ChildProcess.pause("kinesis-mock");
        }
    }

    private void destroyProcessTree() {
        ChildProcess.stop(process);
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(
                    "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
