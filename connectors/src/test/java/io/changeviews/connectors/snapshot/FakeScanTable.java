package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * A table keyed by {@code id} (S) that answers Scan as DynamoDB does for parallel scans: items of a
 * segment in a fixed order, {@code Limit} per page, {@code ExclusiveStartKey} to go on; every
 * {@code throttleEvery}-th Scan is throttled.
 */
final class FakeScanTable implements DynamoDbAsyncClient {
    final List<Map<String, AttributeValue>> items = new ArrayList<>();
    final AtomicInteger scans = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    private final int throttleEvery;

    FakeScanTable(int count, int throttleEvery) {
        for (int i = 0; i < count; i++) {
            items.add(
                    AttributeCodec.toSdk(
                            Map.of(
                                    "id",
                                    DdbValue.s("item-" + i),
                                    "n",
                                    DdbValue.n(java.math.BigDecimal.valueOf(i)))));
        }
        this.throttleEvery = throttleEvery;
    }

    static int segmentOf(Map<String, AttributeValue> item, int total) {
        return Math.floorMod(item.get("id").s().hashCode(), total);
    }

    @Override
    public CompletableFuture<ScanResponse> scan(ScanRequest request) {
        if (throttleEvery > 0 && scans.incrementAndGet() % throttleEvery == 0) {
            throttled.incrementAndGet();
            return CompletableFuture.failedFuture(
                    ProvisionedThroughputExceededException.builder()
                            .statusCode(400)
                            .awsErrorDetails(
                                    AwsErrorDetails.builder()
                                            .errorCode("ProvisionedThroughputExceededException")
                                            .build())
                            .message("throttled")
                            .build());
        }
        TreeMap<String, Map<String, AttributeValue>> segment = new TreeMap<>();
        for (Map<String, AttributeValue> item : items) {
            if (segmentOf(item, request.totalSegments()) == request.segment()) {
                segment.put(item.get("id").s(), item);
            }
        }
        Map<String, Map<String, AttributeValue>> after =
                request.hasExclusiveStartKey()
                        ? segment.tailMap(request.exclusiveStartKey().get("id").s(), false)
                        : segment;
        List<Map<String, AttributeValue>> page = new ArrayList<>();
        for (Map<String, AttributeValue> item : after.values()) {
            if (page.size() == request.limit()) {
                break;
            }
            page.add(item);
        }
        ScanResponse.Builder response =
                ScanResponse.builder()
                        .items(page)
                        .consumedCapacity(
                                ConsumedCapacity.builder()
                                        .capacityUnits(page.size() * 0.5)
                                        .build());
        if (after.size() > page.size()) {
            response.lastEvaluatedKey(Map.of("id", page.get(page.size() - 1).get("id")));
        }
        return CompletableFuture.completedFuture(response.build());
    }

    @Override
    public CompletableFuture<DescribeTableResponse> describeTable(
            Consumer<DescribeTableRequest.Builder> request) {
        return CompletableFuture.completedFuture(
                DescribeTableResponse.builder()
                        .table(
                                t ->
                                        t.keySchema(
                                                KeySchemaElement.builder()
                                                        .attributeName("id")
                                                        .keyType(KeyType.HASH)
                                                        .build()))
                        .build());
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {}
}
