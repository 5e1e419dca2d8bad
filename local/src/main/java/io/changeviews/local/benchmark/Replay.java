package io.changeviews.local.benchmark;

import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.local.KinesisMock;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Replay: a kinesis-mock stream filled with a generated history first, then read from TRIM_HORIZON
 * by the job's real Kinesis source into its compute path, and by a bare single-threaded GetRecords
 * loop over the same shards, which is what reading alone costs there.
 */
final class Replay {
    /** PutRecords takes at most 500 records a call. */
    private static final int MAX_PUT_BATCH = 500;

    /**
     * The stream's shards: kinesis-mock's PutRecords takes time in proportion to the records its
     * shard already holds, so a history spread thin is put in a minute rather than in many.
     */
    static final int SHARDS = 16;

    private static final int GET_LIMIT = 10_000;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(50);

    final int records;
    final long bytes;
    final double putSeconds;

    /** From job submission to the view equal to the history's final sums. */
    final double jobSeconds;

    /** From submission to the first view row: the job's start and first fetch. */
    final double firstRowSeconds;

    final double bareSeconds;
    final String check;

    private Replay(
            int records,
            long bytes,
            double putSeconds,
            double jobSeconds,
            double firstRowSeconds,
            double bareSeconds,
            String check) {
        this.records = records;
        this.bytes = bytes;
        this.putSeconds = putSeconds;
        this.jobSeconds = jobSeconds;
        this.firstRowSeconds = firstRowSeconds;
        this.bareSeconds = bareSeconds;
        this.check = check;
    }

    /** Events/s of the job after its first view row (start-up not counted). */
    double jobRate() {
        return records / (jobSeconds - firstRowSeconds);
    }

    double bareRate() {
        return records / bareSeconds;
    }

    /** Generates {@code events} changes over {@code items} items and measures their replay. */
    static Replay measure(int events, int items, Progress progress) throws Exception {
        Workload workload = Workload.generate(events, items, 0, 0, SHARDS, progress);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "replay: starting kinesis-mock, putting %,d records into %d shards",
                        workload.records.length,
                        SHARDS));
        try (KinesisMock kinesis =
                KinesisMock.start(Collections.singletonMap(JobUnderTest.STREAM, SHARDS))) {
            KinesisClient client = kinesis.client();
            long t0 = System.nanoTime();
            long bytes = put(client, workload.records, progress);
            double putSeconds = Progress.secondsSince(t0);
            progress.print(
                    String.format(
                            Locale.ROOT, "replay: put in %.1f s; bare GetRecords", putSeconds));
            long tBare = System.nanoTime();
            long read = readAll(client);
            double bareSeconds = Progress.secondsSince(tBare);
            if (read != workload.records.length) {
                throw new IllegalStateException(
                        "replay: the bare loop read " + read + " of " + workload.records.length);
            }
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "replay: bare loop %.1f s; the job from TRIM_HORIZON",
                            bareSeconds));
            Map<String, String> source = EndpointProperties.forEndpoint(kinesis.endpoint());
            source.put(JobConfig.STREAM_NAME, JobUnderTest.STREAM);
            source.put(JobConfig.INITIAL_POSITION, "TRIM_HORIZON");
            Map<String, Map<String, String>> overrides = new HashMap<>();
            overrides.put(JobConfig.SOURCE, source);
            JobConfig config = JobUnderTest.measuredViewOnly(ComputePath.NO_DYNAMODB, overrides);
            StreamExecutionEnvironment env =
                    MeasuredEnv.create(BenchmarkOptions.PARALLELISM, MeasuredEnv.Backend.ROCKSDB);
            FinalValues values = new FinalValues();
            JobUnderTest.buildComputePath(env, config, null, values);
            Map<String, Long> expected = workload.totals.expectedSums;
            long tJob = System.nanoTime();
            JobClient job = env.executeAsync("changeviews-replay");
            double jobSeconds;
            try {
                long deadline = tJob + TIMEOUT.toNanos();
                while (!values.matches(expected)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "replay: the view did not reach the history's sums within "
                                        + TIMEOUT);
                    }
                    Thread.sleep(POLL.toMillis());
                }
                jobSeconds = Progress.secondsSince(tJob);
            } finally {
                job.cancel().join();
            }
            double firstRowSeconds = (values.firstWriteNanos() - tJob) / 1e9;
            Replay replay =
                    new Replay(
                            workload.records.length,
                            bytes,
                            putSeconds,
                            jobSeconds,
                            firstRowSeconds,
                            bareSeconds,
                            values.check(expected));
            progress.print(
                    String.format(
                            Locale.ROOT,
                            "replay: job %.1f s (first row after %.1f s), %s events/s after it;"
                                    + " bare loop %s records/s; view %s",
                            jobSeconds,
                            firstRowSeconds,
                            Report.rate(replay.jobRate()),
                            Report.rate(replay.bareRate()),
                            replay.check));
            return replay;
        }
    }

    /**
     * Puts the workload's shards, each one after the other as {@link Workload} lays them out, into
     * the stream's shards of the same number by explicit hash key (the middle of the shard's even
     * share of the hash range), so that each Kinesis shard holds one workload shard in order;
     * returns the bytes put.
     */
    private static long put(KinesisClient client, byte[][] records, Progress progress) {
        BigInteger shardWidth = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(SHARDS));
        long bytes = 0;
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < records.length; i++) {
            int shard = shardOf(i, records.length);
            batch.add(
                    PutRecordsRequestEntry.builder()
                            .data(SdkBytes.fromByteArray(records[i]))
                            .partitionKey("s" + shard)
                            .explicitHashKey(
                                    shardWidth
                                            .multiply(BigInteger.valueOf(shard))
                                            .add(shardWidth.shiftRight(1))
                                            .toString())
                            .build());
            bytes += records[i].length;
            if (batch.size() == MAX_PUT_BATCH || i == records.length - 1) {
                putInOrder(client, batch);
                batch.clear();
            }
            if ((i + 1) % 20_000 == 0) {
                progress.print(
                        String.format(
                                Locale.ROOT,
                                "replay: %,d of %,d records put",
                                i + 1,
                                records.length));
            }
        }
        return bytes;
    }

    /** The shard of the workload record at {@code index}: as many per shard as it got events. */
    private static int shardOf(int index, int events) {
        int start = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            start += (events - shard + SHARDS - 1) / SHARDS;
            if (index < start) {
                return shard;
            }
        }
        throw new IllegalArgumentException("index " + index + " beyond " + events);
    }

    /**
     * Puts {@code batch}, all or nothing: a record put again after a partial failure would land
     * behind later ones of its shard, or twice, and the bare loop's count would no longer say that
     * it read the history.
     */
    private static void putInOrder(KinesisClient client, List<PutRecordsRequestEntry> batch) {
        PutRecordsResponse response =
                client.putRecords(b -> b.streamName(JobUnderTest.STREAM).records(batch));
        if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
            PutRecordsResultEntry failed =
                    response.records().stream()
                            .filter(r -> r.errorCode() != null)
                            .findFirst()
                            .orElseThrow();
            throw new IllegalStateException(
                    "replay: kinesis-mock refused "
                            + response.failedRecordCount()
                            + " records of a PutRecords call: "
                            + failed.errorCode()
                            + " "
                            + failed.errorMessage());
        }
    }

    /** Reads every shard from TRIM_HORIZON to its end on one thread; returns the records read. */
    private static long readAll(KinesisClient client) {
        long read = 0;
        for (Shard shard : client.listShards(b -> b.streamName(JobUnderTest.STREAM)).shards()) {
            String iterator =
                    client.getShardIterator(
                                    b ->
                                            b.streamName(JobUnderTest.STREAM)
                                                    .shardId(shard.shardId())
                                                    .shardIteratorType("TRIM_HORIZON"))
                            .shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response =
                        client.getRecords(b -> b.shardIterator(current).limit(GET_LIMIT));
                read += response.records().size();
                boolean caughtUp =
                        response.records().isEmpty()
                                && Long.valueOf(0).equals(response.millisBehindLatest());
                iterator = caughtUp ? null : response.nextShardIterator();
            }
        }
        return read;
    }
}
