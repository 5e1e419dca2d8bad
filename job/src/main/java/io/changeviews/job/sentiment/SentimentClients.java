package io.changeviews.job.sentiment;

import io.changeviews.connectors.aws.AsyncClientProvider;
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
import software.amazon.awssdk.services.comprehend.ComprehendAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Builds the async clients the enrichment calls, from the same {@code aws.*} properties as the
 * Kinesis and DynamoDB connectors (region, endpoint, credentials provider). The SDK's own retries
 * are off: callers retry with their own backoff, rate limit and counters, and each call is bounded
 * by {@code callTimeout}.
 */
public final class SentimentClients {
    private SentimentClients() {}

    /** Amazon Comprehend. */
    public static AsyncClientProvider<ComprehendAsyncClient> comprehend(
            Properties aws, Duration callTimeout) {
        Properties p = copy(aws);
        return () -> configure(ComprehendAsyncClient.builder(), p, callTimeout);
    }

    /** DynamoDB. */
    public static AsyncClientProvider<DynamoDbAsyncClient> dynamoDb(
            Properties aws, Duration callTimeout) {
        Properties p = copy(aws);
        return () -> configure(DynamoDbAsyncClient.builder(), p, callTimeout);
    }

    private static <
                    S extends SdkClient,
                    B extends AwsAsyncClientBuilder<B, S> & AwsClientBuilder<B, S>>
            S configure(B builder, Properties aws, Duration callTimeout) {
        builder.httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(50))
                .credentialsProvider(AWSGeneralUtil.getCredentialsProvider(aws))
                .overrideConfiguration(
                        o ->
                                o.retryStrategy(AwsRetryStrategy.doNotRetry())
                                        .apiCallTimeout(callTimeout));
        // Without aws.region the SDK's default chain decides (on MSF, the application's region).
        if (aws.getProperty(AWSConfigConstants.AWS_REGION) != null) {
            builder.region(AWSGeneralUtil.getRegion(aws));
        }
        String endpoint = aws.getProperty(AWSConfigConstants.AWS_ENDPOINT);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    private static Properties copy(Properties aws) {
        Properties p = new Properties();
        p.putAll(aws);
        return p;
    }
}
