package io.changeviews.local.benchmark;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The benchmark's report: the machine and parameters, one table of the job's figures next to the
 * baseline's, and the archive's.
 */
final class Report {
    private final String machine;
    private final BenchmarkOptions options;
    private final Workload.Totals workload;
    private final DecodeOnlyLimit decodeOnly;
    private final List<ComputeComparison> compute;
    private final EndToEnd endToEnd;
    private final EndToEnd endToEndSingle;
    private final EndToEnd skewed;
    private final Workload.Totals skewedWorkload;
    private final LambdaBaseline baseline;
    private final List<Latency> latencies;
    private final SentimentBenchmark sentiment;
    private final BootstrapBenchmark bootstrap;
    private final Replay replay;
    private final WriterBenchmark writer;
    private final ParquetBenchmark parquet;

    /**
     * @param machine the {@link #machine()} line of the run's start
     */
    Report(
            String machine,
            BenchmarkOptions options,
            Workload.Totals workload,
            DecodeOnlyLimit decodeOnly,
            List<ComputeComparison> compute,
            EndToEnd endToEnd,
            EndToEnd endToEndSingle,
            EndToEnd skewed,
            Workload.Totals skewedWorkload,
            LambdaBaseline baseline,
            List<Latency> latencies,
            SentimentBenchmark sentiment,
            BootstrapBenchmark bootstrap,
            Replay replay,
            WriterBenchmark writer,
            ParquetBenchmark parquet) {
        this.machine = machine;
        this.options = options;
        this.workload = workload;
        this.decodeOnly = decodeOnly;
        this.compute = compute;
        this.endToEnd = endToEnd;
        this.endToEndSingle = endToEndSingle;
        this.skewed = skewed;
        this.skewedWorkload = skewedWorkload;
        this.baseline = baseline;
        this.latencies = latencies;
        this.sentiment = sentiment;
        this.bootstrap = bootstrap;
        this.replay = replay;
        this.writer = writer;
        this.parquet = parquet;
    }

    /**
     * The machine line; whatever else runs on the machine takes its share of the cores, and the
     * load average tells.
     */
    static String machine() {
        Runtime runtime = Runtime.getRuntime();
        return String.format(
                Locale.ROOT,
                "Machine: %d cores, max heap %.1f GiB, Java %s, %s %s;"
                        + " load average %.1f at the start",
                runtime.availableProcessors(),
                runtime.maxMemory() / (double) (1L << 30),
                System.getProperty("java.version"),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                loadAverage());
    }

    /** What the run's start prints, before the phases' progress. */
    static void printHeader(String machine, BenchmarkOptions options) {
        System.out.println(machine);
        System.out.println(parameters(options));
        System.out.println("Flink's log: .local/benchmark.log");
    }

    void print() {
        System.out.println();
        System.out.println(
                machine + String.format(Locale.ROOT, ", %.1f at the end", loadAverage()));
        System.out.println(parameters(options));
        printTable(new String[] {"figure", "this job", "baseline", "note"}, rows());
        if (parquet != null) {
            System.out.println(archive());
        }
    }

    private static String parameters(BenchmarkOptions o) {
        return String.format(
                Locale.ROOT,
                "Parameters: --events %d --items %d --compute-rounds %d --baseline-events %d"
                    + " --latency-seconds %d --latency-rates %s --reviews %d --comprehend-reviews"
                    + " %d --snapshot-items %d --skewed-events %d --replay-events %d --writer-items"
                    + " %d --writer-baseline-items %d --writer-in-flight %s --sections %s (seed %d,"
                    + " parallelism %d)",
                o.events,
                o.items,
                o.computeRounds,
                o.baselineEvents,
                o.latencySeconds,
                o.latencyRates.stream().map(Report::rateText).collect(Collectors.joining(",")),
                o.reviews,
                o.comprehendReviews,
                o.snapshotItems,
                o.skewedEvents,
                o.replayEvents,
                o.writerItems,
                o.writerBaselineItems,
                o.writerInFlight.isEmpty()
                        ? BenchmarkOptions.SHIPPED
                        : o.writerInFlight.stream()
                                .map(String::valueOf)
                                .collect(Collectors.joining(",")),
                String.join(",", o.sections),
                BenchmarkOptions.SEED,
                BenchmarkOptions.PARALLELISM);
    }

    /** One row per figure, the job next to the baseline; a section not run has none. */
    private List<String[]> rows() {
        int events = options.events;
        String view = JobUnderTest.VIEW_TABLE;
        List<String[]> rows = new ArrayList<>();
        rows.add(
                row(
                        "events/s, decode-only limit",
                        rate(decodeOnly.eventsPerSecond),
                        "-",
                        "one thread running ChangeRecordDeserializationSchema alone, JIT warm (2nd"
                                + " pass)"));
        for (ComputeComparison c : compute) {
            rows.add(
                    row(
                            String.format(
                                    Locale.ROOT,
                                    "events/s, compute path vs plain Flink SQL peer, p%d %s",
                                    c.parallelism,
                                    c.backend),
                            rate(ComputeComparison.medianRate(c.job)),
                            rate(ComputeComparison.medianRate(c.peer)),
                            String.format(
                                    Locale.ROOT,
                                    "job %.2fx the peer (median of %d rounds: %s); CPU s per"
                                            + " 1,000,000 events, medians: job %.1f, peer %.1f;"
                                            + " from job start to the end of input (the final"
                                            + " checkpoint's wait left out); results: job %s,"
                                            + " peer %s",
                                    c.medianRatio(),
                                    c.job.size(),
                                    c.ratioList(),
                                    ComputeComparison.medianCpuPerMillion(c.job),
                                    ComputeComparison.medianCpuPerMillion(c.peer),
                                    ComputeComparison.checks(c.job),
                                    ComputeComparison.checks(c.peer))));
        }
        sizingRows(rows);
        if (endToEnd != null) {
            double pipelineRate = events / endToEnd.seconds;
            double baselineRate = baseline.calls / baseline.seconds;
            int keys = workload.expectedSums.size();
            rows.add(
                    row(
                            "events/s, end to end, p" + endToEnd.parallelism,
                            rate(pipelineRate),
                            rate(baselineRate),
                            String.format(
                                    Locale.ROOT,
                                    "job: %,d events in %.1f s incl. %.1f s job start, %s events/s"
                                        + " after the first record, %.1f CPU s per 1,000,000 events"
                                        + " (the counting proxy's included, not DynamoDB Local's:"
                                        + " it runs in a JVM of its own); baseline: a sample of the"
                                        + " first %,d events, one thread, sync UpdateItem straight"
                                        + " to DynamoDB Local (job %.1fx)",
                                    events,
                                    endToEnd.seconds,
                                    endToEnd.startUpSeconds,
                                    rate(events / (endToEnd.seconds - endToEnd.startUpSeconds)),
                                    endToEnd.cpuSeconds * 1e6 / events,
                                    baseline.calls,
                                    pipelineRate / baselineRate)));
            rows.add(
                    row(
                            "events/s, end to end, p" + endToEndSingle.parallelism,
                            rate(events / endToEndSingle.seconds),
                            rate(baselineRate),
                            String.format(
                                    Locale.ROOT,
                                    "the same run at parallelism %d: %.1f s incl. %.1f s job start,"
                                            + " %.1f CPU s per 1,000,000 events, view %s; %.2fx"
                                            + " the events/s at parallelism %d",
                                    endToEndSingle.parallelism,
                                    endToEndSingle.seconds,
                                    endToEndSingle.startUpSeconds,
                                    endToEndSingle.cpuSeconds * 1e6 / events,
                                    endToEndSingle.check,
                                    endToEnd.seconds / endToEndSingle.seconds,
                                    endToEnd.parallelism)));
            rows.add(
                    row(
                            "DynamoDB item writes / 1,000 events, " + view,
                            perThousand(endToEnd.viewWrites, events),
                            "1,000",
                            String.format(
                                    Locale.ROOT,
                                    "baseline by construction (a correct Lambda needs %s: a moved"
                                        + " order touches two keys); job: %,d writes, %,d keys at"
                                        + " the end, %.1f events per key per flush interval",
                                    perThousand(events + workload.itemMoves, events),
                                    endToEnd.viewWrites,
                                    keys,
                                    pipelineRate * endToEnd.flushIntervalMs / 1000.0 / keys)));
            rows.add(
                    row(
                            "DynamoDB item writes / 1,000 events, all tables",
                            perThousand(endToEnd.allWrites, events),
                            "1,000 per view",
                            "job: "
                                    + endToEnd.writesPerTable
                                    + "; the Lambda keeps "
                                    + view
                                    + " only, each further view would cost it"
                                    + " another write per event"));
            rows.add(
                    row(
                            String.format(
                                    Locale.ROOT,
                                    "DynamoDB item writes / 1,000 events, %s, Zipf s = %s",
                                    view,
                                    BenchmarkOptions.ZIPF_EXPONENT),
                            perThousand(skewed.viewWrites, options.skewedEvents),
                            "1,000",
                            String.format(
                                    Locale.ROOT,
                                    "%,d events whose orders' items follow Zipf(%s) over the %,d"
                                        + " items; a correct Lambda needs %s; job: %,d writes, %,d"
                                        + " keys at the end, %s events/s end to end, view %s",
                                    options.skewedEvents,
                                    BenchmarkOptions.ZIPF_EXPONENT,
                                    options.items,
                                    perThousand(
                                            options.skewedEvents + skewedWorkload.itemMoves,
                                            options.skewedEvents),
                                    skewed.viewWrites,
                                    skewedWorkload.expectedSums.size(),
                                    rate(options.skewedEvents / skewed.seconds),
                                    skewed.check)));
            rows.add(
                    row(
                            "write calls / 1,000 events",
                            perThousand(endToEnd.batchCalls, events) + " BatchWriteItem",
                            "1,000 UpdateItem",
                            String.format(
                                    Locale.ROOT,
                                    "job: %.1f items per BatchWriteItem (at most 25)",
                                    (double) endToEnd.allWrites
                                            / Math.max(1, endToEnd.batchCalls))));
            rows.add(
                    row(
                            view + " = generator's final state",
                            endToEnd.check,
                            "-",
                            "scan of the table vs SUM(quantity) per (item, day) of the generator's"
                                    + " live orders"));
        }
        for (Latency latency : latencies) {
            rows.add(
                    row(
                            "latency p50 / p99 / max, ms, at " + rateText(latency.rate) + "/s",
                            latency.figures(),
                            "not measured",
                            String.format(
                                    Locale.ROOT,
                                    "%,d of %,d INSERTs at %s/s via kinesis-mock (PutRecords p50"
                                        + " %.0f ms), put → first write of the item's aggregate"
                                        + " that includes it; bounded by flush interval %d ms and"
                                        + " getrecords interval %s ms; job submission to first"
                                        + " aggregate %.1f s",
                                    latency.latencies.size(),
                                    latency.records,
                                    rateText(latency.rate),
                                    latency.putP50Millis,
                                    latency.flushIntervalMs,
                                    Latency.GETRECORDS_INTERVAL_MS,
                                    latency.warmUpSeconds)));
        }
        if (replay != null) {
            rows.add(
                    row(
                            "replay events/s from kinesis-mock, TRIM_HORIZON",
                            rate(replay.jobRate()),
                            rate(replay.bareRate()),
                            String.format(
                                    Locale.ROOT,
                                    "job: its Kinesis source and compute path on RocksDB,"
                                        + " parallelism %d, %,d changes (%,.0f bytes each) put into"
                                        + " %d shards first (in %.1f s), from the first view row"
                                        + " (%.1f s after submission) to the view equal to the"
                                        + " history's sums (%.1f s; %s); baseline: a bare"
                                        + " single-thread GetRecords loop over the same shards",
                                    BenchmarkOptions.PARALLELISM,
                                    replay.records,
                                    replay.bytes / (double) replay.records,
                                    Replay.SHARDS,
                                    replay.putSeconds,
                                    replay.firstRowSeconds,
                                    replay.jobSeconds,
                                    replay.check)));
        }
        if (sentiment != null) {
            rows.add(
                    row(
                            "review changes/s through enrichment",
                            rate(sentiment.changes / sentiment.embeddedSeconds),
                            rate(sentiment.baselineRate),
                            String.format(
                                    Locale.ROOT,
                                    "job: embedded engine, %,d review changes (inserts, rating"
                                        + " edits, text edits, deletes) decoded, normalized, scored"
                                        + " and joined into the enriched changelog, parallelism 2,"
                                        + " %.1f s incl. job start; baseline: one thread, sync"
                                        + " DetectSentiment per review against the local Comprehend"
                                        + " endpoint",
                                    sentiment.changes,
                                    sentiment.embeddedSeconds)));
            rows.add(
                    row(
                            "Comprehend calls / 1,000 reviews",
                            perThousand(sentiment.firstCalls, sentiment.toScore),
                            "1,000 DetectSentiment",
                            String.format(
                                    Locale.ROOT,
                                    "job: %,d BatchDetectSentiment calls for %,d texts to score"
                                        + " (%.1f documents per call); the seed's Lambda calls once"
                                        + " per review event: %,d calls for these %,d changes,"
                                        + " rating edits included",
                                    sentiment.firstCalls,
                                    sentiment.toScore,
                                    (double) sentiment.firstDocuments
                                            / Math.max(1, sentiment.firstCalls),
                                    sentiment.reviewEvents,
                                    sentiment.comprehendChanges)));
            rows.add(
                    row(
                            "Comprehend calls / 1,000 reviews, replay",
                            perThousand(sentiment.replayCalls, sentiment.toScore),
                            "1,000 again",
                            "job: the same stream from its start into fresh job state; scores come"
                                    + " from the score cache table"));
        }
        if (bootstrap != null) {
            rows.add(
                    row(
                            "bootstrap items/s, Scan snapshot",
                            rate(bootstrap.items / bootstrap.scan.seconds),
                            rate(bootstrap.items / bootstrap.bareScanSeconds),
                            String.format(
                                    Locale.ROOT,
                                    "job: %,d items of Order_by_item in %d Scan segments, pages of"
                                        + " %d, with %,d stream updates after the snapshot,"
                                        + " parallelism %d, %.1f s from submission to every view"
                                        + " written (%s); baseline: a bare single-thread Scan loop"
                                        + " over the same table, %.1f s",
                                    bootstrap.items,
                                    bootstrap.totalSegments,
                                    BootstrapBenchmark.PAGE_SIZE,
                                    bootstrap.streamChanges,
                                    BenchmarkOptions.PARALLELISM,
                                    bootstrap.scan.seconds,
                                    bootstrap.scan.check,
                                    bootstrap.bareScanSeconds)));
            rows.add(
                    row(
                            "bootstrap items/s, export in a local folder",
                            rate(bootstrap.items / bootstrap.export.seconds),
                            rate(bootstrap.items / bootstrap.bareExportSeconds),
                            String.format(
                                    Locale.ROOT,
                                    "job: the same items exported in the DynamoDB export layout, %d"
                                        + " gzipped files, the same stream updates, %.1f s from"
                                        + " submission to every view written (%s); baseline: a bare"
                                        + " single-thread read of the same files (gunzip, JSON, the"
                                        + " item decoded), %.1f s",
                                    bootstrap.exportFiles,
                                    bootstrap.export.seconds,
                                    bootstrap.export.check,
                                    bootstrap.bareExportSeconds)));
        }
        if (writer != null) {
            WriterBenchmark.Run baseline = writer.runs.get(0);
            for (WriterBenchmark.Run run : writer.runs.subList(1, writer.runs.size())) {
                rows.add(
                        row(
                                "writer items/s at 10 ms DynamoDB latency, " + run.writer,
                                rate(run.itemsPerSecond),
                                rate(baseline.itemsPerSecond),
                                String.format(
                                        Locale.ROOT,
                                        "job %.1fx; one parallel instance writing %,d distinct keys"
                                            + " through a proxy adding 10 ms per BatchWriteItem and"
                                            + " throttling 10 %% (%,d calls in the section, %,d"
                                            + " throttled); baseline: the AWS connector's"
                                            + " DynamoDbSink, 1 request in flight, %,d keys;"
                                            + " acknowledged writes first to last",
                                        run.itemsPerSecond / baseline.itemsPerSecond,
                                        run.items,
                                        writer.calls,
                                        writer.throttled,
                                        baseline.items)));
            }
        }
        return rows;
    }

    /** The archive section's lines, below the table. */
    private String archive() {
        double n = parquet.records;
        int every = parquet.compactionCheckpoints;
        String compaction =
                every == 0 ? "off" : "every " + every + " checkpoints as kda-app.json sets it";
        return String.format(
                Locale.ROOT,
                "Parquet archive (changes dataset, %,d records, parallelism %d, checkpoints every"
                    + " %d ms, Snappy, compaction %s):%n  rows/s through decode + Parquet FileSink,"
                    + " end to end incl. job start: %,.0f (%,d rows in %.1f s; DuckDB counts %s)%n "
                    + " Parquet bytes per row: %.1f (%,d bytes in %,d parts)%n  JSON bytes per row"
                    + " of the same KDS-for-DynamoDB records: %.1f (Parquet is %.1f%% of it)",
                parquet.records,
                BenchmarkOptions.PARALLELISM,
                ParquetBenchmark.CHECKPOINT_INTERVAL_MS,
                compaction,
                n / parquet.seconds,
                parquet.records,
                parquet.seconds,
                parquet.rows,
                parquet.parquetBytes / n,
                parquet.parquetBytes,
                parquet.parts,
                parquet.jsonBytes / n,
                100.0 * parquet.parquetBytes / parquet.jsonBytes);
    }

    private static String[] row(String figure, String job, String baseline, String note) {
        return new String[] {figure, job, baseline, note};
    }

    /**
     * The sizing figures, from the compute path at parallelism 2 on RocksDB as MSF runs it: events
     * per CPU second (of the rounds' median), and of the round with the median events/s the
     * checkpointed state per item and per view key and the peak heap.
     */
    private void sizingRows(List<String[]> rows) {
        ComputeComparison c =
                compute.stream()
                        .filter(
                                x ->
                                        x.parallelism == BenchmarkOptions.PARALLELISM
                                                && x.backend == MeasuredEnv.Backend.ROCKSDB)
                        .findFirst()
                        .orElse(null);
        if (c == null) {
            return;
        }
        ComputeRun job = ComputeComparison.medianRun(c.job);
        ComputeRun peer = ComputeComparison.medianRun(c.peer);
        rows.add(
                row(
                        "sizing: events per CPU second (= per fully used vCPU), p2 rocksdb",
                        rate(1e6 / ComputeComparison.medianCpuPerMillion(c.job)),
                        rate(1e6 / ComputeComparison.medianCpuPerMillion(c.peer)),
                        "1,000,000 / the median CPU s per 1,000,000 events of the runs above, job"
                                + " start included"));
        job.state.ifPresent(
                s -> {
                    // Orders are inserted at a steady share of the history: the items the
                    // normalizer
                    // holds at the checkpoint are the orders inserted by then, live or deleted
                    // (a deleted one stays as a tombstone for tombstone.retention.ms).
                    double items = (double) workload.inserts * s.recordsRead / workload.events;
                    int keys = workload.expectedSums.size();
                    rows.add(
                            row(
                                    "sizing: checkpointed bytes per source item / per view key",
                                    String.format(
                                            Locale.ROOT,
                                            "%,.0f / %,.0f",
                                            s.operatorBytes / items,
                                            (s.totalBytes - s.operatorBytes) / (double) keys),
                                    peer.state
                                            .map(
                                                    p ->
                                                            String.format(
                                                                    Locale.ROOT,
                                                                    "%,.0f MB in all",
                                                                    p.totalBytes / 1e6))
                                            .orElse("-"),
                                    String.format(
                                            Locale.ROOT,
                                            "checkpoint %d, taken after %,d records: %,.1f MB, of"
                                                    + " which the normalizer's %,.1f MB for about"
                                                    + " %,.0f orders (live, or deleted and kept as"
                                                    + " tombstones); the rest (SQL's aggregate,"
                                                    + " the coalescer) over %,d view keys",
                                            s.checkpointId,
                                            s.recordsRead,
                                            s.totalBytes / 1e6,
                                            s.operatorBytes / 1e6,
                                            items,
                                            keys)));
                });
        rows.add(
                row(
                        "sizing: peak heap of the run, MB",
                        String.format(Locale.ROOT, "%,d", job.peakHeapBytes >> 20),
                        String.format(Locale.ROOT, "%,d", peer.peakHeapBytes >> 20),
                        "most heap in use at any time, garbage included; the benchmark's encoded"
                                + " records share it"));
    }

    /** A configured rate as it was given: 20, 2.5. */
    private static String rateText(double perSecond) {
        return BigDecimal.valueOf(perSecond).stripTrailingZeros().toPlainString();
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** Per 1,000 of {@code of}; whole numbers from 100 up, where a decimal says nothing. */
    private static String perThousand(long count, long of) {
        return String.format(
                Locale.ROOT,
                count * 1000L >= 100L * Math.max(1, of) ? "%,.0f" : "%,.1f",
                count * 1000.0 / Math.max(1, of));
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Prints {@code rows} under {@code header}, columns aligned, the last one left ragged. */
    static void printTable(String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] r : all) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < header.length; c++) {
            rule.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        }
        for (int i = 0; i < all.size(); i++) {
            String[] r = all.get(i);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                String cell = c == r.length - 1 ? r[c] : String.format("%-" + width[c] + "s", r[c]);
                line.append(c == 0 ? "" : " | ").append(cell);
            }
            System.out.println(line);
            if (i == 0) {
                System.out.println(rule);
            }
        }
    }
}
