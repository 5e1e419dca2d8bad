package io.changeviews.job.sentiment;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.connectors.aws.AwsAsyncClients;
import java.time.Duration;
import java.util.Properties;
import software.amazon.awssdk.services.comprehend.ComprehendAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The async clients the enrichment calls, built by {@link AwsAsyncClients} from the {@code aws.*}
 * properties.
 */
public final class SentimentClients {
    private SentimentClients() {}

    private static final int MAX_CONCURRENCY = 50;

    /** Amazon Comprehend. */
    public static AsyncClientProvider<ComprehendAsyncClient> comprehend(
            Properties aws, Duration callTimeout) {
        Properties p = AwsAsyncClients.copy(aws);
        return () ->
                AwsAsyncClients.build(
                        ComprehendAsyncClient.builder(), p, callTimeout, MAX_CONCURRENCY);
    }

    /** DynamoDB. */
    public static AsyncClientProvider<DynamoDbAsyncClient> dynamoDb(
            Properties aws, Duration callTimeout) {
        return AwsAsyncClients.dynamoDb(aws, callTimeout, MAX_CONCURRENCY);
    }
}
