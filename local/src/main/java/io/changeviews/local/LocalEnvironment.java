package io.changeviews.local;

import io.changeviews.job.ops.EndpointProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/** Plumbing shared by the emulator kit: free ports and SDK clients for local endpoints. */
public final class LocalEnvironment {
    /**
     * The address every emulator and server of the local stack listens on, and its endpoints name:
     * nothing it starts is reachable from another machine (the emulators take any credentials).
     */
    public static final String LOOPBACK = "127.0.0.1";

    static final Region REGION = Region.of(EndpointProperties.REGION);

    // The emulators accept any key pair.
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private LocalEnvironment() {}

    /**
     * A port that was free a moment ago; good enough for emulators that must be told their port up
     * front.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free local port", e);
        }
    }

    /**
     * Builds a sync SDK client for a local endpoint; the HTTP client is named because several are
     * on the classpath.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
            B builder, String endpoint) {
        return client(builder, endpoint, CREDENTIALS);
    }

    /** As above, for a local endpoint that wants its own key pair. */
    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
            B builder, String endpoint, String accessKey, String secretKey) {
        return client(
                builder,
                endpoint,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
            B builder, String endpoint, StaticCredentialsProvider credentials) {
        return builder.region(REGION)
                .credentialsProvider(credentials)
                .endpointOverride(URI.create(endpoint))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
