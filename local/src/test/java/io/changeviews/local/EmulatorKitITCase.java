package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The emulator kit end to end: DynamoDB Local → relay → kinesis-mock, and the faulty proxy. */
class EmulatorKitITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalDynamoDb dynamo;

    @BeforeAll
    static void startDynamoDb() {
        dynamo = LocalDynamoDb.start();
    }

    @AfterAll
    static void stopDynamoDb() {
        dynamo.close();
    }

    @Test
    void relaysTableChangesAsKdsForDynamoDbRecords() throws Exception {
        createTable("orders", true);
        try (KinesisMock kinesis = KinesisMock.start(Map.of("other-stream", 1));
                StreamRelay relay =
                        StreamRelay.start(
                                dynamo.streamsClient(),
                                "orders",
                                kinesis.client(),
                                "orders-changes")) {
            DynamoDbClient db = dynamo.client();
            Map<String, AttributeValue> richItem =
                    Map.of(
                            "id", s("a"),
                            "qty", AttributeValue.fromN("12.5"),
                            "blob", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")),
                            "ok", AttributeValue.fromBool(true),
                            "none", AttributeValue.fromNul(true),
                            "list",
                                    AttributeValue.fromL(
                                            List.of(s("x"), AttributeValue.fromN("1"))),
                            "map", AttributeValue.fromM(Map.of("k", s("v"))),
                            "tags", AttributeValue.fromSs(List.of("t1", "t2")),
                            "nums", AttributeValue.fromNs(List.of("1", "2")),
                            "blobs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("z"))));
            db.putItem(put -> put.tableName("orders").item(richItem));
            db.putItem(
                    put ->
                            put.tableName("orders")
                                    .item(Map.of("id", s("b"), "qty", AttributeValue.fromN("1"))));
            db.updateItem(
                    update ->
                            update.tableName("orders")
                                    .key(Map.of("id", s("a")))
                                    .updateExpression("SET qty = :q")
                                    .expressionAttributeValues(
                                            Map.of(":q", AttributeValue.fromN("3"))));
            db.deleteItem(delete -> delete.tableName("orders").key(Map.of("id", s("b"))));
            db.putItem(put -> put.tableName("orders").item(Map.of("id", s("c"))));

            // The Kinesis stream does not exist yet: the relay must keep retrying, then deliver
            // everything.
            Thread.sleep(1500);
            assertThat(relay.recordsRelayed()).isZero();
            kinesis.createStream("orders-changes", 2);
            assertThat(relay.awaitRelayed(5, Duration.ofSeconds(30))).isTrue();

            Map<String, List<JsonNode>> byItem = new HashMap<>();
            Map<String, String> shardOfItem = new HashMap<>();
            for (Map.Entry<String, List<JsonNode>> shard :
                    readAll(kinesis.client(), "orders-changes").entrySet()) {
                for (JsonNode record : shard.getValue()) {
                    String id = record.at("/dynamodb/Keys/id/S").asText();
                    byItem.computeIfAbsent(id, key -> new ArrayList<>()).add(record);
                    assertThat(shardOfItem.putIfAbsent(id, shard.getKey()))
                            .isIn(null, shard.getKey());
                }
            }
            assertThat(byItem).hasSize(3);
            assertThat(eventNames(byItem.get("a"))).containsExactly("INSERT", "MODIFY");
            assertThat(eventNames(byItem.get("b"))).containsExactly("INSERT", "REMOVE");
            assertThat(eventNames(byItem.get("c"))).containsExactly("INSERT");

            JsonNode insertA = byItem.get("a").get(0);
            assertThat(insertA.get("tableName").asText()).isEqualTo("orders");
            assertThat(insertA.get("eventSource").asText()).isEqualTo("aws:dynamodb");
            assertThat(insertA.get("recordFormat").asText()).isEqualTo("application/json");
            assertThat(insertA.get("awsRegion").asText()).isEqualTo("us-east-1");
            assertThat(insertA.get("userIdentity").isNull()).isTrue();
            assertThat(insertA.at("/dynamodb/Keys"))
                    .isEqualTo(JSON.readTree("{\"id\":{\"S\":\"a\"}}"));
            assertThat(insertA.at("/dynamodb/NewImage"))
                    .isEqualTo(
                            JSON.readTree(
                                    "{\"id\":{\"S\":\"a\"},"
                                        + "\"qty\":{\"N\":\"12.5\"},\"blob\":{\"B\":\"aGk=\"},\"ok\":{\"BOOL\":true},"
                                        + "\"none\":{\"NULL\":true},\"list\":{\"L\":[{\"S\":\"x\"},{\"N\":\"1\"}]},"
                                        + "\"map\":{\"M\":{\"k\":{\"S\":\"v\"}}},\"tags\":{\"SS\":[\"t1\",\"t2\"]},"
                                        + "\"nums\":{\"NS\":[\"1\",\"2\"]},\"blobs\":{\"BS\":[\"eg==\"]}}"));
            assertThat(insertA.at("/dynamodb/OldImage").isMissingNode()).isTrue();
            assertThat(insertA.at("/dynamodb/SizeBytes").asLong()).isPositive();

            JsonNode modifyA = byItem.get("a").get(1);
            assertThat(modifyA.at("/dynamodb/OldImage/qty/N").asText()).isEqualTo("12.5");
            assertThat(modifyA.at("/dynamodb/NewImage/qty/N").asText()).isEqualTo("3");

            JsonNode removeB = byItem.get("b").get(1);
            assertThat(removeB.at("/dynamodb/OldImage/qty/N").asText()).isEqualTo("1");
            assertThat(removeB.at("/dynamodb/NewImage").isMissingNode()).isTrue();

            for (List<JsonNode> records : byItem.values()) {
                for (JsonNode record : records) {
                    JsonNode time = record.at("/dynamodb/ApproximateCreationDateTime");
                    assertThat(time.isIntegralNumber()).isTrue();
                    assertThat(time.asLong()).isBetween(1_000_000_000_000L, 100_000_000_000_000L);
                    assertThat(record.get("eventID").asText()).hasSize(36);
                }
            }
        }
    }

    @Test
    void dynamoDbLocalInItsOwnProcessKeepsItemsWrittenBeforeTheStreamOutOfIt() throws Exception {
        try (LocalDynamoDb own = LocalDynamoDb.startInOwnProcess()) {
            DynamoDbClient ddb = own.client();
            LocalTables.createSourceTables(ddb, false);
            SampleData data = new SampleData(3, List.of(SampleData.ORDERS));
            while (data.items(SampleData.ORDERS).size() < 30) {
                data.next();
            }
            LocalTables.writeItems(ddb, SampleData.ORDERS, data.items(SampleData.ORDERS));
            LocalTables.enableStreams(ddb);
            data.next().applyTo(ddb);

            assertThat(ddb.scan(b -> b.tableName(SampleData.ORDERS)).count())
                    .isEqualTo(data.items(SampleData.ORDERS).size());
            // Only the change after the stream was turned on is in it: the seed is not.
            assertThat(EmulatedPipeline.streamChanges(ddb, own.streamsClient(), SampleData.ORDERS))
                    .hasSize(1);
        }
    }

    @Test
    void proxyInjectsThrottlingAndUnprocessedItemsThatRetriesOvercome() {
        createTable("sink", false);
        try (FaultyDynamoDbProxy proxy =
                        FaultyDynamoDbProxy.start(dynamo.endpoint())
                                .throttleFraction(0.5)
                                .unprocessedFraction(0.5)
                                .delayMillis(1, 5);
                DynamoDbClient client =
                        LocalEnvironment.client(
                                DynamoDbClient.builder()
                                        .overrideConfiguration(
                                                config ->
                                                        config.retryStrategy(
                                                                retry ->
                                                                        retry.maxAttempts(30)
                                                                                .backoffStrategy(
                                                                                        BackoffStrategy
                                                                                                .exponentialDelay(
                                                                                                        Duration
                                                                                                                .ofMillis(
                                                                                                                        5),
                                                                                                        Duration
                                                                                                                .ofMillis(
                                                                                                                        100)))
                                                                                .throttlingBackoffStrategy(
                                                                                        BackoffStrategy
                                                                                                .exponentialDelay(
                                                                                                        Duration
                                                                                                                .ofMillis(
                                                                                                                        5),
                                                                                                        Duration
                                                                                                                .ofMillis(
                                                                                                                        100))))),
                                proxy.endpoint())) {
            List<WriteRequest> puts =
                    IntStream.range(0, 105)
                            .mapToObj(
                                    i ->
                                            WriteRequest.builder()
                                                    .putRequest(
                                                            put ->
                                                                    put.item(
                                                                            Map.of(
                                                                                    "id",
                                                                                    s("item-" + i),
                                                                                    "n",
                                                                                    AttributeValue
                                                                                            .fromN(
                                                                                                    String
                                                                                                            .valueOf(
                                                                                                                    i)))))
                                                    .build())
                            .collect(Collectors.toList());
            writeAll(client, puts);
            List<WriteRequest> deletes =
                    IntStream.range(100, 105)
                            .mapToObj(
                                    i ->
                                            WriteRequest.builder()
                                                    .deleteRequest(
                                                            delete ->
                                                                    delete.key(
                                                                            Map.of(
                                                                                    "id",
                                                                                    s(
                                                                                            "item-"
                                                                                                    + i))))
                                                    .build())
                            .collect(Collectors.toList());
            writeAll(client, deletes);

            assertThat(
                            client.scanPaginator(scan -> scan.tableName("sink")).items().stream()
                                    .count())
                    .isEqualTo(100);
            assertThat(proxy.calls("DynamoDB_20120810.Scan")).isPositive();
            long batchCalls = proxy.calls(FaultyDynamoDbProxy.BATCH_WRITE_ITEM);
            assertThat(proxy.throttledCalls()).isPositive();
            assertThat(proxy.partialCalls()).isPositive();
            assertThat(batchCalls - proxy.throttledCalls()).as("forwarded calls").isPositive();
            assertThat(proxy.itemWrites("sink")).isEqualTo(110);
            List<FaultyDynamoDbProxy.ObservedWrite> writes = proxy.writes();
            assertThat(writes).hasSize(110);
            assertThat(writes.stream().filter(FaultyDynamoDbProxy.ObservedWrite::isDelete))
                    .extracting(FaultyDynamoDbProxy.ObservedWrite::key)
                    .containsExactlyInAnyOrder(
                            IntStream.range(100, 105)
                                    .mapToObj(i -> "{\"id\":{\"S\":\"item-" + i + "\"}}")
                                    .toArray(String[]::new));
            assertThat(writes.stream().map(FaultyDynamoDbProxy.ObservedWrite::key).distinct())
                    .hasSize(105);
            assertThat(writes).extracting(FaultyDynamoDbProxy.ObservedWrite::nanoTime).isSorted();
        }
    }

    /** BatchWriteItem in chunks of 25, resubmitting UnprocessedItems as a DynamoDB client must. */
    private static void writeAll(DynamoDbClient client, List<WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += 25) {
            List<WriteRequest> pending = writes.subList(from, Math.min(from + 25, writes.size()));
            while (!pending.isEmpty()) {
                List<WriteRequest> batch = pending;
                pending =
                        client.batchWriteItem(
                                        request -> request.requestItems(Map.of("sink", batch)))
                                .unprocessedItems()
                                .getOrDefault("sink", List.of());
            }
        }
    }

    private static void createTable(String name, boolean withStream) {
        dynamo.client()
                .createTable(
                        table -> {
                            table.tableName(name)
                                    .attributeDefinitions(
                                            AttributeDefinition.builder()
                                                    .attributeName("id")
                                                    .attributeType(ScalarAttributeType.S)
                                                    .build())
                                    .keySchema(
                                            KeySchemaElement.builder()
                                                    .attributeName("id")
                                                    .keyType(KeyType.HASH)
                                                    .build())
                                    .billingMode(BillingMode.PAY_PER_REQUEST);
                            if (withStream) {
                                table.streamSpecification(
                                        stream ->
                                                stream.streamEnabled(true)
                                                        .streamViewType(
                                                                StreamViewType.NEW_AND_OLD_IMAGES));
                            }
                        });
    }

    /** Every record of every shard, decoded, by shard id. */
    private static Map<String, List<JsonNode>> readAll(KinesisClient kinesis, String stream)
            throws Exception {
        Map<String, List<JsonNode>> byShard = new HashMap<>();
        for (Shard shard : kinesis.listShards(request -> request.streamName(stream)).shards()) {
            String iterator =
                    kinesis.getShardIterator(
                                    request ->
                                            request.streamName(stream)
                                                    .shardId(shard.shardId())
                                                    .shardIteratorType(
                                                            ShardIteratorType.TRIM_HORIZON))
                            .shardIterator();
            List<JsonNode> records = new ArrayList<>();
            while (true) {
                String current = iterator;
                GetRecordsResponse response =
                        kinesis.getRecords(request -> request.shardIterator(current));
                for (Record record : response.records()) {
                    records.add(JSON.readTree(record.data().asUtf8String()));
                }
                iterator = response.nextShardIterator();
                if (response.records().isEmpty() || iterator == null) {
                    break;
                }
            }
            byShard.put(shard.shardId(), records);
        }
        return byShard;
    }

    private static List<String> eventNames(List<JsonNode> records) {
        return records.stream()
                .map(record -> record.get("eventName").asText())
                .collect(Collectors.toList());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
