package io.changeviews.connectors.sink;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Sends one BatchWriteItem of one table; tests answer it without DynamoDB. */
@FunctionalInterface
public interface BatchWriteClient {
    /**
     * Completes with the writes DynamoDB left unprocessed (none when all were written), or with the
     * call's error.
     */
    CompletableFuture<List<WriteRequest>> write(List<WriteRequest> writes);

    /** BatchWriteItem calls of the SDK's async client to {@code table}. */
    static BatchWriteClient of(DynamoDbAsyncClient client, String table) {
        return writes ->
                client.batchWriteItem(b -> b.requestItems(Map.of(table, writes)))
                        .thenApply(
                                response ->
                                        response.unprocessedItems().getOrDefault(table, List.of()));
    }
}
