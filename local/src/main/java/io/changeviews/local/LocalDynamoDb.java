package io.changeviews.local;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local running inside this JVM, or in a JVM of its own, with SDK clients pointed at it,
 * listening on the loopback address only.
 *
 * <p>DynamoDB Local's own launcher ({@code ServerRunner}) has no bind option and listens on every
 * interface, so its request handler is served here by a Jetty server of our own bound to {@link
 * LocalEnvironment#LOOPBACK}: in memory, one database for every access key and region ({@code
 * -inMemory -sharedDb}, so the AWS CLI sees the job's tables), and no telemetry (only the launcher
 * sends any).
 */
public final class LocalDynamoDb implements AutoCloseable {

    private static final String SQLITE_LIBRARY_PATH = "sqlite4java.library.path";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** In this JVM; null when in its own process. */
    private final Server server;

    /** The request handler (the tables) of the server in this JVM; null when in its own process. */
    private final LocalDynamoDBServerHandler tables;

    /** Its own process; null when in this JVM. */
    private final Process process;

    private final int port;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streamsClient;

    private LocalDynamoDb(
            Server server, LocalDynamoDBServerHandler tables, Process process, int port) {
        this.server = server;
        this.tables = tables;
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
        Server server = new Server();
        LocalDynamoDBServerHandler tables = null;
        try {
            // What the launcher builds for -inMemory -sharedDb: in memory (no database file), one
            // database for all keys and regions, no delayed table statuses; no CORS header.
            tables =
                    new LocalDynamoDBServerHandler(
                            new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
            ServerConnector http = new ServerConnector(server);
            http.setHost(LocalEnvironment.LOOPBACK);
            http.setPort(port);
            server.addConnector(http);
            ContextHandler root = new ContextHandler();
            root.setHandler(tables);
            server.setHandler(root);
            server.start();
            return new LocalDynamoDb(server, tables, null, port);
        } catch (Exception e) {
            stopQuietly(server, tables);
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
    }

    /** A DynamoDB Local of its own for {@link #startInOwnProcess}: {@code <port>}. */
    public static void main(String[] args) throws InterruptedException {
        start(Integer.parseInt(args[0])).server.join();
    }

    /**
     * Starts DynamoDB Local in a JVM of its own on a free port, with this JVM's class path, so that
     * its CPU is not counted as this JVM's (the benchmark's figures).
     */
    public static LocalDynamoDb startInOwnProcess() {
        int port = LocalEnvironment.freePort();
        Path log = RepoPaths.localDir().resolve("dynamodb-local-" + port + ".log");
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.java());
        command.add("-Xmx1g");
        command.add("-D" + SQLITE_LIBRARY_PATH + "=" + sqliteLibraryPath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LocalDynamoDb.class.getName());
        command.add(String.valueOf(port));
        try {
            Files.createDirectories(log.getParent());
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            LocalDynamoDb dynamoDb = new LocalDynamoDb(null, null, process, port);
            try {
                ChildProcess.awaitPort(
                        process,
                        "DynamoDB Local",
                        LocalEnvironment.LOOPBACK,
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
        return "http://" + LocalEnvironment.LOOPBACK + ":" + port;
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
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        } finally {
            tables.close();
        }
    }

    private static void stopQuietly(Server server, LocalDynamoDBServerHandler tables) {
        try {
            server.stop();
            if (tables != null) {
                tables.close();
            }
        } catch (Exception e) {
            // Nothing was served; the start's own error is the one to report.
        }
    }
}
