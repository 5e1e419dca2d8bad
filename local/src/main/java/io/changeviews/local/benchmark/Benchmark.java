package io.changeviews.local.benchmark;

import io.changeviews.job.ChangeViewsPipeline;
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

    /**
     * The compute path and the plain Flink SQL peer on the workload, at parallelism 2 and 1, on the
     * heap and on RocksDB, {@code rounds} rounds of each.
     */
    private static List<ComputeComparison> computeComparisons(
            JobConfig shipped, Workload workload, int rounds, Progress progress) throws Exception {
        String viewSql =
                shipped.views().stream()
                        .filter(v -> v.targetTable().equals(JobUnderTest.VIEW_TABLE))
                        .findFirst()
                        .orElseThrow()
                        .sql();
        long miniBatchMs = ChangeViewsPipeline.miniBatchLatencyMs(shipped);
        ComputeComparison.Measurement job =
                (parallelism, backend) ->
                        ComputePath.measure(
                                workload.records,
                                parallelism,
                                backend,
                                workload.totals.expectedSums,
                                progress);
        ComputeComparison.Measurement peer =
                (parallelism, backend) ->
                        PlainFlinkSqlPeer.measure(
                                workload.records,
                                viewSql,
                                miniBatchMs,
                                parallelism,
                                backend,
                                workload.totals.expectedSums,
                                progress);
        // The first runs in a JVM pay for compiling Flink's and SQL's code paths, which whichever
        // ran first would carry alone: one unreported run of each first, on each state backend,
        // since RocksDB's paths (its state and timer classes, key serialization) are code of their
        // own that the first measured RocksDB run, the job's, would otherwise compile for both.
        progress.print("warm-up: one run of each on each backend, not reported");
        for (MeasuredEnv.Backend backend : MeasuredEnv.Backend.values()) {
            job.run(1, backend);
            peer.run(1, backend);
        }
        List<ComputeComparison> comparisons = new ArrayList<>();
        for (int parallelism : new int[] {BenchmarkOptions.PARALLELISM, 1}) {
            for (MeasuredEnv.Backend backend : MeasuredEnv.Backend.values()) {
                comparisons.add(ComputeComparison.measure(parallelism, backend, rounds, job, peer));
            }
        }
        return comparisons;
    }

    private static void run(BenchmarkOptions options) throws Exception {
        Progress progress = new Progress();
        String machine = Report.machine();
        Report.printHeader(machine, options);
        JobConfig shipped =
                JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()));

        Workload workload = Workload.generate(options, progress);
        Workload.Totals totals = workload.totals;
        DecodeOnlyLimit decodeOnly = DecodeOnlyLimit.measure(workload.records, progress);
        List<ComputeComparison> compute =
                options.runs("compute")
                        ? computeComparisons(shipped, workload, options.computeRounds, progress)
                        : List.of();
        ParquetBenchmark parquet =
                options.runs("archive") ? ParquetBenchmark.measure(workload.records) : null;
        EndToEnd endToEnd = null;
        EndToEnd endToEndSingle = null;
        EndToEnd skewed = null;
        Workload.Totals skewedTotals = null;
        LambdaBaseline baseline = null;
        List<Latency> latencies = new ArrayList<>();
        SentimentBenchmark sentiment = null;
        BootstrapBenchmark bootstrap = null;
        Replay replay = null;
        WriterBenchmark writer = null;
        progress.print("starting DynamoDB Local in a JVM of its own");
        try (LocalDynamoDb dynamoDb = LocalDynamoDb.startInOwnProcess()) {
            if (options.runs("end-to-end")) {
                endToEnd =
                        EndToEnd.measure(
                                dynamoDb, workload, BenchmarkOptions.PARALLELISM, progress);
                endToEndSingle = EndToEnd.measure(dynamoDb, workload, 1, progress);
                baseline =
                        LambdaBaseline.measure(
                                dynamoDb.client(), endToEnd.views, totals.lambdaUpdates, progress);
            }
            // Half a gigabyte the later phases have no use for.
            workload = null;
            if (options.runs("end-to-end")) {
                Workload zipf =
                        Workload.generate(
                                options.skewedEvents,
                                options.items,
                                BenchmarkOptions.ZIPF_EXPONENT,
                                0,
                                progress);
                skewedTotals = zipf.totals;
                skewed = EndToEnd.measure(dynamoDb, zipf, BenchmarkOptions.PARALLELISM, progress);
            }
            if (options.runs("latency")) {
                for (double rate : options.latencyRates) {
                    latencies.add(
                            Latency.measure(dynamoDb, options.latencySeconds, rate, progress));
                }
            }
            if (options.runs("replay")) {
                replay = Replay.measure(options.replayEvents, options.items, progress);
            }
            if (options.runs("sentiment")) {
                sentiment =
                        SentimentBenchmark.measure(
                                dynamoDb, options.reviews, options.comprehendReviews, progress);
            }
            if (options.runs("bootstrap")) {
                bootstrap =
                        BootstrapBenchmark.measure(
                                dynamoDb, options.snapshotItems, options.items, progress);
            }
            if (options.runs("writer")) {
                writer =
                        WriterBenchmark.measure(
                                dynamoDb,
                                options.writerItems,
                                options.writerBaselineItems,
                                options.writerInFlight.isEmpty()
                                        ? List.of(shipped.writeMaxInFlight())
                                        : options.writerInFlight,
                                progress);
            }
        }
        progress.print("done");
        new Report(
                        machine,
                        options,
                        totals,
                        decodeOnly,
                        compute,
                        endToEnd,
                        endToEndSingle,
                        skewed,
                        skewedTotals,
                        baseline,
                        latencies,
                        sentiment,
                        bootstrap,
                        replay,
                        writer,
                        parquet)
                .print();
    }
}
