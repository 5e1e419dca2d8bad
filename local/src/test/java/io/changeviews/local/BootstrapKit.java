package io.changeviews.local;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.job.ChangeViewsPipeline;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.PipelineIo;
import io.changeviews.job.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * What the bootstrap ITCases share: a table filled before anything streams, changes made through
 * the DynamoDB API and streamed to Kinesis as KDS for DynamoDB would, and a bootstrapping job with
 * its views and metrics.
 */
final class BootstrapKit {
    private static final Duration SETTLE = Duration.ofMinutes(2);

    private BootstrapKit() {}

    /**
     * Makes changes through the DynamoDB API while {@code snapshotting} says so and streams each to
     * Kinesis as KDS for DynamoDB would, stamped with the time it was made; returns them as the job
     * decodes them. Between batches, notes in {@code heldViewsSeen} any row of {@code
     * item_count_by_date} written while still snapshotting.
     */
    static List<ChangeEvent> makeChanges(
            KinesisClient kds,
            DynamoDbClient ddb,
            String stream,
            BooleanSupplier snapshotting,
            Supplier<SampleData.Operation> next,
            Map<String, Map<String, String>> heldViewsSeen)
            throws Exception {
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        List<ChangeEvent> changes = new ArrayList<>();
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; batch.size() > 0 || snapshotting.getAsBoolean(); i++) {
            SampleData.Operation op = next.get();
            op.applyTo(ddb);
            byte[] record =
                    StreamRelay.kdsRecord(
                            op.table,
                            stream + "-" + i,
                            op.type,
                            Instant.now(),
                            AttributeCodec.toSdk(op.keys),
                            op.before == null ? null : AttributeCodec.toSdk(op.before),
                            op.after == null ? null : AttributeCodec.toSdk(op.after));
            changes.add(decoder.decode(record, null, null));
            batch.add(
                    PutRecordsRequestEntry.builder()
                            .partitionKey(op.keys.toString())
                            .data(SdkBytes.fromByteArray(record))
                            .build());
            if (batch.size() == 25) {
                EmulatedPipeline.putInOrder(kds, stream, batch);
                batch = new ArrayList<>();
                Map<String, Map<String, String>> view =
                        LocalTables.scanAsText(
                                ddb, "item_count_by_date", List.of("item_number", "order_date"));
                if (snapshotting.getAsBoolean()) {
                    heldViewsSeen.putAll(view);
                }
            }
        }
        return changes;
    }

    /** A job, its views, and the metrics of its run once it runs. */
    static final class Job {
        final List<MaterializedView> views;
        private final StreamExecutionEnvironment env;
        private final InMemoryReporter metrics;
        private JobClient client;

        private Job(
                StreamExecutionEnvironment env,
                List<MaterializedView> views,
                InMemoryReporter metrics) {
            this.env = env;
            this.views = views;
            this.metrics = metrics;
        }

        /**
         * The pipeline at parallelism 2, checkpointing every 300 ms, on {@code io}, with its view
         * tables created, not yet running; {@code metrics} is the MiniCluster's reporter.
         */
        static Job build(
                JobConfig config, PipelineIo io, DynamoDbClient ddb, InMemoryReporter metrics) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(300);
            List<MaterializedView> views = ChangeViewsPipeline.build(env, config, io);
            LocalTables.createTargetTables(ddb, views);
            return new Job(env, views, metrics);
        }

        /** {@link #build} and {@link #run}. */
        static Job start(
                JobConfig config, PipelineIo io, DynamoDbClient ddb, InMemoryReporter metrics)
                throws Exception {
            return build(config, io, ddb, metrics).run();
        }

        Job run() throws Exception {
            client = env.executeAsync("bootstrap-itcase");
            return this;
        }

        /** Waits until every view equals its recomputation from a scan of the tables now. */
        void awaitViews(DynamoDbClient ddb, List<ChangeEvent> changes) throws Exception {
            EmulatedPipeline.awaitViews(
                    ddb,
                    views,
                    new ExpectedViews(EmulatedPipeline.scanSeedTables(ddb), changes),
                    SETTLE);
        }

        void deleteTargetTables(DynamoDbClient ddb) {
            views.forEach(v -> LocalTables.delete(ddb, v.spec.targetTable()));
        }

        void cancel() throws Exception {
            client.cancel().get();
        }

        /**
         * The latest value of a job-wide gauge of the {@code kinesisanalytics} group, over the task
         * attempts so far (an attempt before a restore counted less).
         */
        long gauge(String name) {
            long value = -1;
            String jobId = client.getJobID().toString();
            for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                    metrics.getMetricsByGroup().entrySet()) {
                Metric m = group.getValue().get(name);
                if (m != null && jobId.equals(group.getKey().getAllVariables().get("<job_id>"))) {
                    value = Math.max(value, ((Number) ((Gauge<?>) m).getValue()).longValue());
                }
            }
            return value;
        }
    }
}
