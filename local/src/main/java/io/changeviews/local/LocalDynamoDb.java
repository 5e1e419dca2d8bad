package io.changeviews.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import io.changeviews.job.ops.RepoPaths;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** DynamoDB Local running inside this JVM, with SDK clients pointed at it. */
public final class LocalDynamoDb implements AutoCloseable {

    private static final String SQLITE_LIBRARY_PATH = "sqlite4java.library.path";

    private final DynamoDBProxyServer server;
    private final int port;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streamsClient;

    private LocalDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
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
        // Surefire and the local runner pass the path; a plain `java` launch falls back to the
        // build's copy.
        if (System.getProperty(SQLITE_LIBRARY_PATH) == null) {
            System.setProperty(
                    SQLITE_LIBRARY_PATH,
                    RepoPaths.root().resolve("local/target/native").toString());
        }
        // -sharedDb: one database for every access key and region, so the AWS CLI sees the job's
        // tables.
        // -disableTelemetry: no calls home, and no metadata file dropped into the working
        // directory.
        String[] args = {
            "-inMemory", "-sharedDb", "-disableTelemetry", "-port", String.valueOf(port)
        };
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args);
            server.start();
            return new LocalDynamoDb(server, port);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
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
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }
}
