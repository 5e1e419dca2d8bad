package io.changeviews.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local running inside this JVM, or in a JVM of its own, with SDK clients pointed at it.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private static final String SQLITE_LIBRARY_PATH = "sqlite4java.library.path";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** In this JVM; null when in its own process. */
    private final DynamoDBProxyServer server;

    /** Its own process; null when in this JVM. */
    private final Process process;

    private final int port;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streamsClient;

    private LocalDynamoDb(DynamoDBProxyServer server, Process process, int port) {
        this.server = server;
        this.process = process;
        this.port = port;
        this.client = LocalEnvironment.client(DynamoDbClient.builder(), endpoint());
        this.streamsClient = LocalEnvironment.client(DynamoDbStreamsClient.builder(), endpoint());
    }

    /** Starts DynamoDB Local on a free port. */
    public static LocalDynamoDb start() {
        return start(LocalEnvironment.freePort());
    }

    /** Starts DynamoDB Local on the given port. */
    public static LocalDynamoDb start(int port) {
        sqliteLibraryPath();
        try {
            DynamoDBProxyServer server =
                    ServerRunner.createServerFromCommandLineArgs(arguments(port));
            server.start();
            return new LocalDynamoDb(server, null, port);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
    }

    /**
     * Starts DynamoDB Local in a JVM of its own on a free port, with this JVM's class path, so that
     * its CPU is not counted as this JVM's (the benchmark's figures).
     */
    public static LocalDynamoDb startInOwnProcess() {
        int port = LocalEnvironment.freePort();
        Path log = RepoPaths.localDir().resolve("dynamodb-local-" + port + ".log");
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-D" + SQLITE_LIBRARY_PATH + "=" + sqliteLibraryPath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServerRunner.class.getName());
        command.addAll(Arrays.asList(arguments(port)));
        try {
            Files.createDirectories(log.getParent());
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            LocalDynamoDb dynamoDb = new LocalDynamoDb(null, process, port);
            try {
                ChildProcess.awaitPort(
                        process,
                        "DynamoDB Local",
                        "localhost",
                        port,
                        START_TIMEOUT,
                        () -> "see " + log);
            } catch (RuntimeException e) {
                dynamoDb.close();
                throw e;
            }
            return dynamoDb;
        } catch (IOException e) {
            throw new UncheckedIOException("DynamoDB Local could not be started", e);
        }
    }

    /**
     * -sharedDb: one database for every access key and region, so the AWS CLI sees the job's
     * tables. -disableTelemetry: no calls home, and no metadata file dropped into the working
     * directory.
     */
    private static String[] arguments(int port) {
        return new String[] {
            "-inMemory", "-sharedDb", "-disableTelemetry", "-port", String.valueOf(port)
        };
    }

    /**
     * Surefire and the local runner pass the native library's path; a plain {@code java} launch
     * falls back to the build's copy.
     */
    private static String sqliteLibraryPath() {
        if (System.getProperty(SQLITE_LIBRARY_PATH) == null) {
            System.setProperty(
                    SQLITE_LIBRARY_PATH,
                    RepoPaths.root().resolve("local/target/native").toString());
        }
        return System.getProperty(SQLITE_LIBRARY_PATH);
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://localhost:" + port;
    }

    public DynamoDbClient client() {
        return client;
    }

    public DynamoDbStreamsClient streamsClient() {
        return streamsClient;
    }

    @Override
    public void close() {
        client.close();
        streamsClient.close();
        if (process != null) {
            ChildProcess.stop(process);
            return;
        }
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }
}
