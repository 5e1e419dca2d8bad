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
        createSourceTables(client, true);
    }

    /**
     * The seed tables, with their streams or, for a table that is to be older than its stream,
     * without ({@link #enableStreams} later).
     */
    public static void createSourceTables(DynamoDbClient client, boolean withStreams) {
        for (String table : SampleData.TABLES) {
            List<String> keys = SampleData.keyNames(table);
            create(client, table, keys, Arrays.asList("S", "S"), withStreams);
        }
    }

    /**
     * Turns on the seed tables' NEW_AND_OLD_IMAGES streams: what is in the tables by now is never
     * in their streams.
     */
    public static void enableStreams(DynamoDbClient client) {
        for (String table : SampleData.TABLES) {
            client.updateTable(b -> b.tableName(table).streamSpecification(newAndOldImages()));
        }
    }

    /** Writes {@code items} into {@code table}, 25 to a BatchWriteItem request. */
    public static void writeItems(
            DynamoDbClient client, String table, List<Map<String, DdbValue>> items) {
        List<WriteRequest> puts = new ArrayList<>();
        for (Map<String, DdbValue> item : items) {
            puts.add(
                    WriteRequest.builder()
                            .putRequest(p -> p.item(AttributeCodec.toSdk(item)))
                            .build());
        }
        write(client, table, puts);
    }

    /**
     * Makes puts and deletes of distinct items in {@code table}, 25 to a BatchWriteItem request,
     * until none is left unprocessed.
     */
    public static void write(DynamoDbClient client, String table, List<WriteRequest> requests) {
        List<WriteRequest> batch = new ArrayList<>();
        for (WriteRequest request : requests) {
            batch.add(request);
            if (batch.size() == 25) {
                writeBatch(client, table, batch);
            }
        }
        writeBatch(client, table, batch);
    }

    private static void writeBatch(DynamoDbClient client, String table, List<WriteRequest> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, List<WriteRequest>> pending = Map.of(table, new ArrayList<>(batch));
        batch.clear();
        while (!pending.isEmpty()) {
            Map<String, List<WriteRequest>> sent = pending;
            pending = client.batchWriteItem(b -> b.requestItems(sent)).unprocessedItems();
        }
    }

    /** One table per view, keyed like the view. */
    public static void createTargetTables(
            DynamoDbClient client, List<ChangeViewsPipeline.MaterializedView> views) {
        for (ChangeViewsPipeline.MaterializedView v : views) {
            create(client, v.spec.targetTable(), v.spec.targetKey(), v.keyTypes, false);
        }
    }

    /** The views' tables, empty: any left by an earlier run against the same DynamoDB deleted. */
    public static void recreateTargetTables(
            DynamoDbClient client, List<ChangeViewsPipeline.MaterializedView> views) {
        views.forEach(v -> delete(client, v.spec.targetTable()));
        createTargetTables(client, views);
    }

    public static void createDeadLetterTable(DynamoDbClient client, String table) {
        create(client, table, Arrays.asList("source", "position"), Arrays.asList("S", "S"), false);
    }

    /** The sentiment score cache, keyed by text hash. */
    public static void createSentimentCacheTable(DynamoDbClient client, String table) {
        create(client, table, Arrays.asList(DynamoDbScoreCache.HASH), Arrays.asList("S"), false);
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
            request.streamSpecification(newAndOldImages());
        }
        try {
            client.createTable(request.build());
        } catch (ResourceInUseException e) {
            // Exists from an earlier run against the same DynamoDB: keep it.
        }
    }

    private static StreamSpecification newAndOldImages() {
        return StreamSpecification.builder()
                .streamEnabled(true)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                .build();
    }
}
