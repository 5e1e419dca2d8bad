package io.changeviews.local;

import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.sentiment.DynamoDbScoreCache;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Creates the local run's tables: the seed source tables (with streams), the views' target tables
 * and the dead-letter table.
 */
public final class LocalTables {
    private LocalTables() {}

    /** The seed tables, each with a NEW_AND_OLD_IMAGES stream (what KDS for DynamoDB carries). */
    public static void createSourceTables(DynamoDbClient client) {
        for (String table : SampleData.TABLES) {
            List<String> keys = SampleData.keyNames(table);
            create(client, table, keys, Arrays.asList("S", "S"), true);
        }
    }

    /** One table per view, keyed like the view. */
    public static void createTargetTables(
            DynamoDbClient client, List<ChangeViewsPipeline.MaterializedView> views) {
        for (ChangeViewsPipeline.MaterializedView v : views) {
            create(client, v.spec.targetTable(), v.spec.targetKey(), v.keyTypes, false);
        }
    }

    public static void createDeadLetterTable(DynamoDbClient client, String table) {
        create(client, table, Arrays.asList("source", "position"), Arrays.asList("S", "S"), false);
    }

    /** The sentiment score cache, keyed by text hash. */
    public static void createSentimentCacheTable(DynamoDbClient client, String table) {
        create(client, table, Arrays.asList(DynamoDbScoreCache.HASH), Arrays.asList("S"), false);
    }

    /**
     * Writes the items straight into the table, 25 per BatchWriteItem, until none is left
     * unprocessed: no stream record is relayed for them, so only a scan sees them.
     */
    public static void putAll(
            DynamoDbClient client, String table, List<Map<String, DdbValue>> items) {
        List<WriteRequest> batch = new ArrayList<>();
        for (Map<String, DdbValue> item : items) {
            batch.add(
                    WriteRequest.builder()
                            .putRequest(p -> p.item(AttributeCodec.toSdk(item)))
                            .build());
            if (batch.size() == 25) {
                write(client, table, batch);
                batch = new ArrayList<>();
            }
        }
        write(client, table, batch);
    }

    private static void write(DynamoDbClient client, String table, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        while (!batch.isEmpty() && !pending.isEmpty()) {
            Map<String, List<WriteRequest>> send = pending;
            pending = client.batchWriteItem(b -> b.requestItems(send)).unprocessedItems();
        }
    }

    public static void delete(DynamoDbClient client, String table) {
        try {
            client.deleteTable(b -> b.tableName(table));
        } catch (ResourceNotFoundException e) {
            // Already gone: deleting is only to start afresh.
        }
    }

    /** A table's items as key → attribute name → text, via a full scan. */
    public static Map<String, Map<String, String>> scanAsText(
            DynamoDbClient client, String table, List<String> keys) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        client.scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(
                        item -> {
                            Map<String, String> row = new TreeMap<>();
                            item.forEach((k, v) -> row.put(k, text(v)));
                            List<String> keyValues = new ArrayList<>();
                            keys.forEach(k -> keyValues.add(row.get(k)));
                            out.put(String.join("|", keyValues), row);
                        });
        return out;
    }

    /** An item's attribute as text: plain numbers, strings as they are; null when absent. */
    public static String text(AttributeValue v) {
        if (v == null) {
            return null;
        }
        if (v.n() != null) {
            return DdbValue.numberText(new BigDecimal(v.n()));
        }
        return v.s() != null ? v.s() : v.bool() != null ? v.bool().toString() : v.toString();
    }

    private static void create(
            DynamoDbClient client,
            String table,
            List<String> keys,
            List<String> types,
            boolean stream) {
        List<KeySchemaElement> schema = new ArrayList<>();
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            schema.add(
                    KeySchemaElement.builder()
                            .attributeName(keys.get(i))
                            .keyType(i == 0 ? KeyType.HASH : KeyType.RANGE)
                            .build());
            attributes.add(
                    AttributeDefinition.builder()
                            .attributeName(keys.get(i))
                            .attributeType(types.get(i))
                            .build());
        }
        CreateTableRequest.Builder request =
                CreateTableRequest.builder()
                        .tableName(table)
                        .keySchema(schema)
                        .attributeDefinitions(attributes)
                        .billingMode(BillingMode.PAY_PER_REQUEST);
        if (stream) {
            request.streamSpecification(
                    StreamSpecification.builder()
                            .streamEnabled(true)
                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                            .build());
        }
        try {
            client.createTable(request.build());
        } catch (ResourceInUseException e) {
            // Exists from an earlier run against the same DynamoDB: keep it.
        }
    }
}
