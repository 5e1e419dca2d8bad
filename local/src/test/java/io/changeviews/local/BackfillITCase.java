package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.Backfill;
import io.changeviews.job.ops.RepoPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The backfill command on a stream that no longer holds the beginning of the tables' history
 * (DynamoDB Local, kinesis-mock): the tables hold it all, the stream only the latest changes, and
 * more changes are streamed while the command runs. Rebuilding from a snapshot of the tables plus
 * the stream writes what a live run that saw every change writes: the recomputation from a final
 * scan.
 */
class BackfillITCase {
    private static final List<String> TABLES =
            List.of(SampleData.ORDERS, SampleData.INVOICES, SampleData.CUSTOMERS);
    private static final int HISTORY = 4_000;
    private static final int STREAMED_BEFORE = 300;
    private static final int STREAMED_DURING = 300;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(4);

    private static LocalDynamoDb dynamoDb;
    private static KinesisMock kinesis;

    @BeforeAll
    static void startEmulators() {
        dynamoDb = LocalDynamoDb.start();
        kinesis = KinesisMock.start();
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        kinesis.close();
        dynamoDb.close();
    }

    @Test
    void rebuildsTheViewsFromTheTablesWhenTheStreamLostTheirHistory(@TempDir Path localDir)
            throws Exception {
        DynamoDbClient ddb = dynamoDb.client();
        String shippedStream =
                JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()))
                        .stream();
        JobConfig config =
                EmulatedPipeline.config(
                        kinesis.endpoint(), dynamoDb.endpoint(), shippedStream, Map.of());
        kinesis.createStream(config.stream(), 2);
        LocalTables.createSourceTables(ddb);
        LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
        LocalTables.createSentimentCacheTable(ddb, config.sentiment().cacheTable());
        List<MaterializedView> views =
                ChangeViewsJob.build(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        LocalTables.createTargetTables(ddb, views);

        // The history: in the tables only, as if the stream had dropped it long ago.
        SampleData data = new SampleData(17, TABLES);
        for (int i = 0; i < HISTORY; i++) {
            data.next();
        }
        for (String table : TABLES) {
            LocalTables.writeItems(ddb, table, data.items(table));
        }
        stream(ddb, data, config.stream(), STREAMED_BEFORE);

        CompletableFuture<Void> command =
                CompletableFuture.runAsync(() -> backfill(localDir, LocalEnvironment.freePort()));
        stream(ddb, data, config.stream(), STREAMED_DURING);
        command.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

        // A view over <Table>_changes counts the changes the stream still holds, not the
        // history: it cannot equal the live run's, so it is left out.
        List<MaterializedView> currentState =
                views.stream()
                        .filter(v -> !v.spec.sql().contains("_changes"))
                        .collect(Collectors.toList());
        assertThat(currentState).hasSizeGreaterThan(5);
        EmulatedPipeline.awaitViews(
                ddb,
                currentState,
                new ExpectedViews(EmulatedPipeline.scanSeedTables(ddb), List.of()),
                Duration.ZERO);
    }

    /** Runs the command until it has caught up and stopped by itself. */
    private static void backfill(Path localDir, int webPort) {
        try {
            Backfill.main(
                    new String[] {
                        "--kinesis-endpoint", kinesis.endpoint(),
                        "--dynamodb-endpoint", dynamoDb.endpoint(),
                        "--stop-when-caught-up", "true",
                        "--web-port", String.valueOf(webPort),
                        "--local-dir", localDir.toString()
                    });
        } catch (Exception e) {
            throw new IllegalStateException("the backfill command failed", e);
        }
    }

    /**
     * Makes {@code count} changes through the DynamoDB API and streams each to Kinesis as KDS for
     * DynamoDB would, stamped with the time it was made.
     */
    private static void stream(DynamoDbClient ddb, SampleData data, String stream, int count) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SampleData.Operation op = data.next();
            op.applyTo(ddb);
            byte[] record =
                    StreamRelay.kdsRecord(
                            op.table,
                            stream + "-" + Instant.now().toEpochMilli() + "-" + i,
                            op.type,
                            Instant.now(),
                            AttributeCodec.toSdk(op.keys),
                            op.before == null ? null : AttributeCodec.toSdk(op.before),
                            op.after == null ? null : AttributeCodec.toSdk(op.after));
            entries.add(
                    PutRecordsRequestEntry.builder()
                            .partitionKey(op.keys.toString())
                            .data(SdkBytes.fromByteArray(record))
                            .build());
        }
        EmulatedPipeline.putInOrder(kinesis.client(), stream, entries);
    }
}
