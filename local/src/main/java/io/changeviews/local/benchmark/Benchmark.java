package io.changeviews.local.benchmark;

import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import io.changeviews.local.LocalDynamoDb;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the job's throughput, DynamoDB writes and latency next to the seed Lambda's one
 * UpdateItem per event.
 */
public final class Benchmark {
    private Benchmark() {}

    public static void main(String[] args) {
        int status = 0;
        try {
            run(BenchmarkOptions.parse(args));
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // Flink's and the SDKs' non-daemon threads would otherwise keep the JVM up after the
        // report.
        System.exit(status);
    }

    private static void run(BenchmarkOptions options) throws Exception {
        Progress progress = new Progress();
        String machine = Report.machine();
        Report.printHeader(machine, options);

        Workload workload = Workload.generate(options, progress);
        Workload.Totals totals = workload.totals;
        DecodeOnlyLimit decodeOnly = DecodeOnlyLimit.measure(workload.records, progress);
        JobConfig shipped =
                JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()));
        String viewSql =
                shipped.views().stream()
                        .filter(v -> v.targetTable().equals(JobUnderTest.VIEW_TABLE))
                        .findFirst()
                        .orElseThrow()
                        .sql();
        long miniBatchMs = Math.max(1, shipped.flushInterval().toMillis() / 2);
        List<ComputeRun> computeRuns = new ArrayList<>();
        for (int parallelism : new int[] {BenchmarkOptions.PARALLELISM, 1}) {
            for (MeasuredEnv.Backend backend : MeasuredEnv.Backend.values()) {
                computeRuns.add(
                        ComputePath.measure(
                                workload.records,
                                parallelism,
                                backend,
                                totals.expectedSums,
                                progress));
                computeRuns.add(
                        PlainFlinkSqlPeer.measure(
                                workload.records,
                                viewSql,
                                miniBatchMs,
                                parallelism,
                                backend,
                                totals.expectedSums,
                                progress));
            }
        }
        ParquetBenchmark parquet = ParquetBenchmark.measure(workload.records);
        EndToEnd endToEnd;
        LambdaBaseline baseline;
        Latency latency;
        SentimentBenchmark sentiment;
        BootstrapBenchmark bootstrap;
        progress.print("starting DynamoDB Local");
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.start()) {
            endToEnd = EndToEnd.measure(dynamoDb, workload, progress);
            // Half a gigabyte the later phases have no use for.
            workload = null;
            baseline =
                    LambdaBaseline.measure(
                            dynamoDb.client(), endToEnd.views, totals.lambdaUpdates, progress);
            latency = Latency.measure(dynamoDb, options, progress);
            sentiment =
                    SentimentBenchmark.measure(
                            dynamoDb, options.reviews, options.comprehendReviews, progress);
            bootstrap =
                    BootstrapBenchmark.measure(
                            dynamoDb, options.snapshotItems, options.items, progress);
        }
        progress.print("done");
        new Report(
                        machine,
                        options,
                        totals,
                        decodeOnly,
                        computeRuns,
                        endToEnd,
                        baseline,
                        latency,
                        sentiment,
                        bootstrap,
                        parquet)
                .print();
    }
}
