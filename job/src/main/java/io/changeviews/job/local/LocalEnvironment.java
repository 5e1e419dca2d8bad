package io.changeviews.job.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/** Plumbing shared by the emulator kit: free ports, the repository root and SDK clients for local endpoints. */
final class LocalEnvironment {

    static final Region REGION = Region.US_EAST_1;

    // The emulators accept any key pair; a fixed one keeps CLI and job on the same (shared) data.
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private LocalEnvironment() {}

    /** A port that was free a moment ago; good enough for emulators that must be told their port up front. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free local port", e);
        }
    }

    /**
     * The repository root: the nearest directory up from the working directory that holds
     * {@code kda-app.json}, or a {@code pom.xml} next to a {@code job/} folder. Tests run with the
     * module as working directory, the local runner with the root, so both resolve the same paths.
     */
    static Path repoRoot() {
        Path workingDir = Paths.get("").toAbsolutePath();
        for (Path dir = workingDir; dir != null; dir = dir.getParent()) {
            boolean parentPom = Files.exists(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("job"));
            if (Files.exists(dir.resolve("kda-app.json")) || parentPom) {
                return dir;
            }
        }
        return workingDir;
    }

    /** Builds a sync SDK client for a local endpoint; the HTTP client is named because several are on the classpath. */
    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String endpoint) {
        return builder.region(REGION)
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(URI.create(endpoint))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
