package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.Options;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The soak: millions of order changes, generated as the source reads them, through the job's
 * compute path with flink-conf's checkpoints every 10 s; throughput, heap after GC, live orders and
 * checkpoint size and duration sampled over time, so that state growth beyond what the live items,
 * the tombstones of the retention window and the view keys explain would show. Exits non-zero if
 * the view is wrong at the end or no checkpoint completed for six samples in a row.
 */
public final class Soak {
    private static final String NORMALIZER = ComputePath.NORMALIZER_UID;

    /**
     * The delete guard's retention for the soak: a day in the shipped configuration, which a run of
     * minutes would never reach; a minute shows the steady state the day reaches (the tombstones of
     * one retention window) within the run.
     */
    static final Duration TOMBSTONE_RETENTION = Duration.ofMinutes(1);

    /** How often the sampler notes the live orders and deletes so far. */
    private static final long TICK_MS = 200;

    private final List<History> histories = new CopyOnWriteArrayList<>();

    /** {nanoTime, live orders, deletes so far}, one every {@value #TICK_MS} ms. */
    private final List<long[]> timeline = new ArrayList<>();

    private final int items;
    private final int liveOrders;

    private Soak(int items, int liveOrders) {
        this.items = items;
        this.liveOrders = liveOrders;
    }

    public static void main(String[] args) {
        int status;
        try {
            Map<String, String> o =
                    Options.parse(
                            args,
                            "events",
                            "10000000",
                            "items",
                            "1000",
                            "live-orders",
                            "200000",
                            "parallelism",
                            "2",
                            "backend",
                            "rocksdb",
                            "sample-seconds",
                            "10");
            Result result =
                    run(
                            Long.parseLong(o.get("events")),
                            Integer.parseInt(o.get("items")),
                            Integer.parseInt(o.get("live-orders")),
                            Integer.parseInt(o.get("parallelism")),
                            MeasuredEnv.Backend.valueOf(o.get("backend").toUpperCase(Locale.ROOT)),
                            Duration.ofSeconds(Long.parseLong(o.get("sample-seconds"))),
                            new Progress());
            result.print();
            status = result.ok() ? 0 : 1;
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // Flink's non-daemon threads would otherwise keep the JVM up after the report.
        System.exit(status);
    }

    /**
     * Runs {@code events} changes over {@code items} items, the orders kept at about {@code
     * liveOrders} live ones once that many were inserted (inserts then as frequent as deletes).
     */
    static Result run(
            long events,
            int items,
            int liveOrders,
            int parallelism,
            MeasuredEnv.Backend backend,
            Duration sampleEvery,
            Progress progress)
            throws Exception {
        Soak soak = new Soak(items, liveOrders / parallelism);
        Map<String, Map<String, String>> overrides = new HashMap<>();
        overrides.put(
                JobConfig.PIPELINE,
                Map.of(
                        JobConfig.TOMBSTONE_RETENTION_MS,
                        Long.toString(TOMBSTONE_RETENTION.toMillis())));
        JobConfig config = JobUnderTest.measuredViewOnly(ComputePath.NO_DYNAMODB, overrides);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "soak: %,d changes over %,d items, about %,d live orders, parallelism %d,"
                                + " %s, tombstones kept %d s, a sample every %d s",
                        events,
                        items,
                        liveOrders,
                        parallelism,
                        backend,
                        TOMBSTONE_RETENTION.toSeconds(),
                        sampleEvery.toSeconds()));
        try (EncodedFeed feed = new EncodedFeed(events, soak::newHistory)) {
            StreamExecutionEnvironment env = MeasuredEnv.create(parallelism, backend);
            FinalValues values = new FinalValues();
            JobUnderTest.buildComputePath(
                    env,
                    config,
                    feed.decoded(env, "Generated KDS records", JobUnderTest.STREAM),
                    values);
            Path checkpoints =
                    Path.of(
                            URI.create(
                                    env.getConfiguration()
                                            .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
            List<Sample> samples = new ArrayList<>();
            double cpu0 = MeasuredEnv.cpuSeconds();
            long t0 = System.nanoTime();
            try (CheckpointProbe probe =
                    new CheckpointProbe(checkpoints, NORMALIZER, feed::handedOutCount)) {
                Thread sampler =
                        new Thread(
                                () -> soak.sample(feed, probe, t0, sampleEvery, samples, progress),
                                "soak-sampler");
                sampler.setDaemon(true);
                sampler.start();
                env.execute("changeviews-soak");
                sampler.interrupt();
                sampler.join();
            }
            double seconds = Progress.secondsSince(t0);
            return new Result(
                    events,
                    parallelism,
                    backend,
                    seconds,
                    MeasuredEnv.cpuSeconds() - cpu0,
                    samples,
                    values.check(soak.expectedSums()));
        }
    }

    private LongFunction<byte[]> newHistory() {
        History history = new History(items, liveOrders);
        histories.add(history);
        return history;
    }

    private long liveOrders() {
        return histories.stream().mapToLong(h -> h.live.get()).sum();
    }

    private long deletes() {
        return histories.stream().mapToLong(h -> h.deletes.get()).sum();
    }

    /**
     * The items the normalizer holds at {@code nanos}, as the timeline tells it: the live orders
     * and a tombstone for each delete of the retention window before (plus the cleanup timers'
     * rounding up to a second).
     */
    private long heldAt(long nanos) {
        long windowStart = nanos - TOMBSTONE_RETENTION.plusSeconds(1).toNanos();
        long[] at = null;
        long deletesBefore = 0;
        for (long[] tick : timeline) {
            if (tick[0] <= windowStart) {
                deletesBefore = tick[2];
            }
            if (tick[0] <= nanos) {
                at = tick;
            }
        }
        return at == null ? 0 : at[1] + at[2] - deletesBefore;
    }

    private Map<String, Long> expectedSums() {
        Map<String, Long> sums = new HashMap<>();
        for (History h : histories) {
            h.addSums(sums);
        }
        return sums;
    }

    private void sample(
            EncodedFeed feed,
            CheckpointProbe probe,
            long t0,
            Duration every,
            List<Sample> samples,
            Progress progress) {
        long previousEvents = 0;
        long previousNanos = t0;
        long ticksPerSample = Math.max(1, every.toMillis() / TICK_MS);
        for (long tick = 1; ; tick++) {
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            timeline.add(new long[] {now, liveOrders(), deletes()});
            if (tick % ticksPerSample != 0) {
                continue;
            }
            long events = feed.handedOutCount();
            CheckpointProbe.Sample checkpoint = probe.latest().orElse(null);
            Sample s =
                    new Sample(
                            (now - t0) / 1e9,
                            events,
                            (events - previousEvents) / ((now - previousNanos) / 1e9),
                            liveOrders(),
                            liveHeapBytes(),
                            checkpoint,
                            checkpoint == null ? 0 : heldAt(checkpoint.triggerNanos));
            synchronized (samples) {
                samples.add(s);
            }
            progress.print("soak: " + s);
            previousEvents = events;
            previousNanos = now;
        }
    }

    /**
     * One source reader's order history: its own live orders (ids from its own indexes) and random
     * sequence, one change per index; change times one millisecond apart, so the readers' times
     * interleave as shards' do.
     */
    private static final class History implements LongFunction<byte[]> {
        private static final double GROWING_INSERTS = 0.4;
        private static final double GROWING_DELETES = 0.2;
        private static final double STEADY_SHARE = 0.3;

        private final Workload.ItemNumbers items;
        private final int liveTarget;
        private final List<Order> orders = new ArrayList<>();
        private final AtomicLong live = new AtomicLong();
        private final AtomicLong deletes = new AtomicLong();
        private Random random;
        private long changes;

        History(int items, int liveTarget) {
            this.items = new Workload.ItemNumbers(items, 0);
            this.liveTarget = liveTarget;
        }

        @Override
        public synchronized byte[] apply(long index) {
            if (random == null) {
                random = new Random(BenchmarkOptions.SEED + index);
            }
            boolean growing = orders.size() < liveTarget;
            OrderDraw draw =
                    OrderDraw.next(
                            "o" + index,
                            orders,
                            growing ? GROWING_INSERTS : STEADY_SHARE,
                            growing ? GROWING_DELETES : STEADY_SHARE,
                            items,
                            random);
            live.set(orders.size());
            if (draw.type == ChangeType.REMOVE) {
                deletes.incrementAndGet();
            }
            return Order.encode(
                    "soak-" + index,
                    draw.type,
                    Workload.FIRST_CHANGE.plusMillis(changes++),
                    draw.before,
                    draw.after);
        }

        synchronized void addSums(Map<String, Long> sums) {
            for (Order o : orders) {
                sums.merge(o.item + "|" + o.day(), (long) o.quantity, Long::sum);
            }
        }
    }

    /**
     * The heap still in use after a full GC: what the job keeps alive, without the garbage of the
     * old generation that G1's young collections leave (and that made "heap after a young GC" climb
     * until a mixed collection). The full GC pauses the job once per sample, a few hundred ms at
     * most on this heap.
     */
    private static long liveHeapBytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** One sample of the run. */
    static final class Sample {
        final double seconds;
        final long events;
        final double eventsPerSecond;
        final long liveOrders;
        final long liveHeapBytes;

        /** The newest completed checkpoint; null before the first. */
        final CheckpointProbe.Sample checkpoint;

        /** The items the normalizer held when that checkpoint was taken: live, or tombstones. */
        final long heldItems;

        Sample(
                double seconds,
                long events,
                double eventsPerSecond,
                long liveOrders,
                long liveHeapBytes,
                CheckpointProbe.Sample checkpoint,
                long heldItems) {
            this.seconds = seconds;
            this.events = events;
            this.eventsPerSecond = eventsPerSecond;
            this.liveOrders = liveOrders;
            this.liveHeapBytes = liveHeapBytes;
            this.checkpoint = checkpoint;
            this.heldItems = heldItems;
        }

        /** Checkpointed bytes per item the normalizer held; NaN before the first checkpoint. */
        double bytesPerHeldItem() {
            return checkpoint == null || heldItems == 0
                    ? Double.NaN
                    : checkpoint.totalBytes / (double) heldItems;
        }

        String[] cells() {
            return new String[] {
                String.format(Locale.ROOT, "%.0f", seconds),
                String.format(Locale.ROOT, "%,d", events),
                Report.rate(eventsPerSecond),
                String.format(Locale.ROOT, "%,d", liveOrders),
                liveHeapBytes < 0 ? "-" : String.format(Locale.ROOT, "%,d", liveHeapBytes >> 20),
                checkpoint == null ? "-" : Long.toString(checkpoint.checkpointId),
                checkpoint == null
                        ? "-"
                        : String.format(Locale.ROOT, "%,d", checkpoint.recordsRead),
                checkpoint == null ? "-" : String.format(Locale.ROOT, "%,d", heldItems),
                checkpoint == null
                        ? "-"
                        : String.format(Locale.ROOT, "%,.1f", checkpoint.totalBytes / 1e6),
                checkpoint == null ? "-" : String.format(Locale.ROOT, "%,.0f", bytesPerHeldItem()),
                checkpoint == null
                        ? "-"
                        : String.format(Locale.ROOT, "%,.1f", checkpoint.operatorBytes / 1e6),
                checkpoint == null
                        ? "-"
                        : String.format(Locale.ROOT, "%,d", checkpoint.durationMillis)
            };
        }

        @Override
        public String toString() {
            return String.join(" | ", cells());
        }
    }

    /** The run's figures and samples. */
    static final class Result {
        /**
         * How much a figure may grow from the middle to the last third of the run: live items and
         * tombstones are steady there, so what the run's noise (a compaction more or less in one
         * third) does not explain is growth.
         */
        static final double GROWTH_LIMIT = 1.3;

        static final String[] COLUMNS = {
            "s",
            "events",
            "events/s",
            "live orders",
            "live heap MB",
            "checkpoint",
            "taken after events",
            "items held then (live + tombstones)",
            "state MB",
            "bytes per item held",
            "normalizer MB",
            "checkpoint ms"
        };

        final long events;
        final int parallelism;
        final MeasuredEnv.Backend backend;
        final double seconds;
        final double cpuSeconds;
        final List<Sample> samples;
        final String check;

        Result(
                long events,
                int parallelism,
                MeasuredEnv.Backend backend,
                double seconds,
                double cpuSeconds,
                List<Sample> samples,
                String check) {
            this.events = events;
            this.parallelism = parallelism;
            this.backend = backend;
            this.seconds = seconds;
            this.cpuSeconds = cpuSeconds;
            this.samples = List.copyOf(samples);
            this.check = check;
        }

        boolean ok() {
            return check.startsWith("OK")
                    && checkpointsKeptUp()
                    && stateGrowth() <= GROWTH_LIMIT
                    && heapGrowth() <= GROWTH_LIMIT;
        }

        /**
         * Every sample names a newer completed checkpoint than the one six samples before it (a
         * minute at the default sample interval).
         */
        boolean checkpointsKeptUp() {
            for (int i = 6; i < samples.size(); i++) {
                CheckpointProbe.Sample now = samples.get(i).checkpoint;
                CheckpointProbe.Sample before = samples.get(i - 6).checkpoint;
                if (now == null || before != null && now.checkpointId <= before.checkpointId) {
                    return false;
                }
            }
            return true;
        }

        /** Checkpointed bytes per item held: the last third's mean over the middle third's. */
        double stateGrowth() {
            return growth(Sample::bytesPerHeldItem);
        }

        /** Live heap: the last third's mean over the middle third's. */
        double heapGrowth() {
            return growth(s -> s.liveHeapBytes);
        }

        /**
         * The mean of a figure over the last third of the samples over its mean over the middle
         * third: the first third is the live orders' growth to their target, and a third spans
         * several of RocksDB's compactions, whose saw-tooth a single pair of samples would read as
         * growth or shrinkage.
         */
        private double growth(ToDoubleFunction<Sample> figure) {
            int third = samples.size() / 3;
            if (third == 0) {
                return Double.NaN;
            }
            return mean(samples.subList(samples.size() - third, samples.size()), figure)
                    / mean(samples.subList(third, samples.size() - third), figure);
        }

        private static double mean(List<Sample> part, ToDoubleFunction<Sample> figure) {
            return part.stream()
                    .mapToDouble(figure)
                    .filter(v -> !Double.isNaN(v))
                    .average()
                    .orElse(Double.NaN);
        }

        long maxLiveHeapBytes() {
            return samples.stream().mapToLong(s -> s.liveHeapBytes).max().orElse(0);
        }

        void print() {
            System.out.println();
            System.out.println(Report.machine());
            System.out.printf(
                    Locale.ROOT,
                    "Soak: %,d changes in %.1f s = %s events/s, %.1f CPU s per 1,000,000 events,"
                            + " parallelism %d, %s; view %s; checkpoints kept up: %s; most live"
                            + " heap %,d MB; last third over middle third (at most %.2f): state"
                            + " bytes per item held %.2f, live heap %.2f%n",
                    events,
                    seconds,
                    Report.rate(events / seconds),
                    cpuSeconds * 1e6 / events,
                    parallelism,
                    backend,
                    check,
                    checkpointsKeptUp(),
                    maxLiveHeapBytes() >> 20,
                    GROWTH_LIMIT,
                    stateGrowth(),
                    heapGrowth());
            Report.printTable(
                    COLUMNS, samples.stream().map(Sample::cells).collect(Collectors.toList()));
        }
    }
}
