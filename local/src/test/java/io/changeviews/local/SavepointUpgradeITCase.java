package io.changeviews.local;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * An upgrade: the job is stopped with a savepoint halfway through the stream, rebuilt, and started
 * from the savepoint; the views must then equal a recomputation over all changes, with none
 * reprocessed and none skipped. Duplicate detection is cut to a millisecond here, so a source that
 * lost its position and re-read the stream would count the re-read changes again.
 */
class SavepointUpgradeITCase {
    private static final String STREAM = "upgrade-changes";
    private static final int OPERATIONS_PER_PHASE = 600;
    private static final long START_MICROS = 1_795_330_000_000_000L;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private final SampleData data = new SampleData(5);
    private final Map<String, List<Long>> changeTimes = new HashMap<>();
    private final List<ChangeEvent> changes = new ArrayList<>();
    private int operations;

    @Test
    void aJobRestartedFromASavepointContinuesExactly(@TempDir Path savepoints) throws Exception {
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start();
                KinesisMock kinesis = KinesisMock.start()) {
            kinesis.createStream(STREAM, 2);
            DynamoDbClient ddb = dynamoDb.client();
            JobConfig config =
                    EmulatedPipeline.config(
                            kinesis.endpoint(),
                            dynamoDb.endpoint(),
                            STREAM,
                            Map.of(JobConfig.PIPELINE, Map.of(JobConfig.DEDUPE_RETENTION_MS, "1")));
            LocalTables.createSourceTables(ddb);
            LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());

            changeAndDeliver(dynamoDb, kinesis);
            JobClient first = start(config, ddb, new Configuration());
            EmulatedPipeline.awaitViews(
                    ddb, views(config, ddb), expected(ddb), Duration.ofMinutes(2));
            String savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();

            changeAndDeliver(dynamoDb, kinesis);
            Configuration restore = new Configuration();
            restore.set(SavepointConfigOptions.SAVEPOINT_PATH, savepoint);
            JobClient second = start(config, ddb, restore);
            try {
                EmulatedPipeline.awaitViews(
                        ddb, views(config, ddb), expected(ddb), Duration.ofMinutes(2));
            } finally {
                second.cancel().get();
            }
        }
    }

    /** Makes the next batch of random changes and delivers their records to the stream. */
    private void changeAndDeliver(LocalDynamoDb dynamoDb, KinesisMock kinesis) throws Exception {
        EmulatedPipeline.applyRandom(
                data,
                dynamoDb.client(),
                OPERATIONS_PER_PHASE,
                START_MICROS + operations * 1000L,
                1000L,
                changeTimes);
        operations += OPERATIONS_PER_PHASE;
        List<byte[]> all = EmulatedPipeline.kdsRecords(dynamoDb.streamsClient(), changeTimes);
        changes.addAll(
                EmulatedPipeline.deliver(
                        kinesis.client(), STREAM, all.subList(changes.size(), all.size())));
    }

    private ExpectedViews expected(DynamoDbClient ddb) {
        return new ExpectedViews(EmulatedPipeline.scanSeedTables(ddb), changes);
    }

    /**
     * Builds the job anew, as an upgraded jar would, and starts it with {@code settings} (e.g. a
     * savepoint to restore).
     */
    private static JobClient start(JobConfig config, DynamoDbClient ddb, Configuration settings)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(settings);
        env.setParallelism(2);
        LocalTables.createTargetTables(ddb, ChangeViewsJob.build(env, config));
        return env.executeAsync("changeviews-upgrade");
    }

    private static List<MaterializedView> views(JobConfig config, DynamoDbClient ddb) {
        StreamExecutionEnvironment planOnly = StreamExecutionEnvironment.getExecutionEnvironment();
        return ChangeViewsJob.build(planOnly, config);
    }
}
