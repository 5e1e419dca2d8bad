package io.changeviews.connectors.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Builds AWS SDK async clients from the same {@code aws.*} properties as the Kinesis and DynamoDB
 * connectors (region, endpoint, credentials provider). The SDK's own retries are off: callers retry
 * with their own backoff, ordering and counters, and each call is bounded by {@code callTimeout}.
 * {@link #located} applies the same properties to the sync clients of the job's start-up checks.
 */
public final class AwsAsyncClients {
    private AwsAsyncClients() {}

    public static <
                    S extends SdkClient,
                    B extends AwsAsyncClientBuilder<B, S> & AwsClientBuilder<B, S>>
            S build(B builder, Properties aws, Duration callTimeout, int maxConcurrency) {
        builder.httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(maxConcurrency))
                .overrideConfiguration(
                        o ->
                                o.retryStrategy(AwsRetryStrategy.doNotRetry())
                                        .apiCallTimeout(callTimeout));
        return located(builder, aws).build();
    }

    /**
     * Sets the credentials provider, the region and the endpoint of the {@code aws.*} properties on
     * any client builder, sync or async.
     */
    public static <B extends AwsClientBuilder<B, ?>> B located(B builder, Properties aws) {
        builder.credentialsProvider(AWSGeneralUtil.getCredentialsProvider(aws));
        // Without aws.region the SDK's default chain decides (on MSF, the application's region).
        if (aws.getProperty(AWSConfigConstants.AWS_REGION) != null) {
            builder.region(AWSGeneralUtil.getRegion(aws));
        }
        String endpoint = aws.getProperty(AWSConfigConstants.AWS_ENDPOINT);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder;
    }

    /**
     * A provider of DynamoDB async clients from the {@code aws.*} properties (copied now), each
     * call bounded by {@code callTimeout}, at most {@code maxConcurrency} connections.
     */
    public static AsyncClientProvider<DynamoDbAsyncClient> dynamoDb(
            Properties aws, Duration callTimeout, int maxConcurrency) {
        Properties p = copy(aws);
        return () -> build(DynamoDbAsyncClient.builder(), p, callTimeout, maxConcurrency);
    }

    /**
     * A copy, so that a serialized client provider does not share the caller's mutable properties.
     */
    public static Properties copy(Properties aws) {
        Properties p = new Properties();
        p.putAll(aws);
        return p;
    }
}
