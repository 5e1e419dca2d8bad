package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly once across a crash: the job fails in the middle of the stream, after some parts were
 * committed and while others were still being written, restarts from its last checkpoint, and the
 * archive ends with every change exactly once — none lost, none twice; with and without compaction
 * of the parts.
 */
class ArchiveCrashITCase {
    private static final int CHANGES = 4_000;
    private static final long START_MICROS = 1_795_291_200_000_000L;
    private static final long STEP_MICROS = 20 * 1_000_000L;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    // The MiniCluster runs in this JVM: the failing map reports here, and fails only once.
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    @ParameterizedTest(name = "compaction every {0} checkpoints")
    @ValueSource(ints = {0, 3})
    void afterACrashAndRestoreEveryChangeIsArchivedExactlyOnce(
            int compactionCheckpoints, @TempDir Path warehouse) throws Exception {
        FAILED.set(false);
        Map<String, String> archive = ArchiveConfig.pathOverride(warehouse.toString());
        archive.put(ArchiveConfig.COMPACTION_CHECKPOINTS, Integer.toString(compactionCheckpoints));
        JobConfig config =
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                Map.of(ArchiveConfig.GROUP, archive)));
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restarts.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(restarts);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        DataStream<DecodeResult> records =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        new Changes(),
                                        CHANGES,
                                        RateLimiterStrategy.perSecond(1_000),
                                        TypeInformation.of(DecodeResult.class)),
                                WatermarkStrategy.noWatermarks(),
                                "Generated changes")
                        .map(new FailOnceMidStream(CHANGES / 4, warehouse.toString()));
        ParquetArchive.changes(
                config, records, dataset -> ParquetArchive.parquet(config.archive(), dataset));
        List<ArchivedDataset> datasets = ParquetArchive.datasets(env);
        env.execute("archive-crash");

        assertThat(FAILED)
                .as("the job failed mid-stream, with parts both committed and in progress")
                .isTrue();
        try (Stream<Path> files = Files.walk(warehouse)) {
            List<String> visible =
                    files.filter(Files::isRegularFile)
                            .map(f -> f.getFileName().toString())
                            .filter(n -> !n.startsWith("."))
                            .collect(Collectors.toList());
            assertThat(visible)
                    .isNotEmpty()
                    .allMatch(
                            n ->
                                    n.startsWith(
                                            compactionCheckpoints > 0
                                                    ? "compacted-part-"
                                                    : "part-"));
        }
        try (Warehouse w = Warehouse.open(warehouse, datasets)) {
            assertThat(w.query("SELECT count(*), count(DISTINCT event_id) FROM changes"))
                    .containsExactly(
                            List.of("count_star()", "count(DISTINCT event_id)"),
                            List.of("" + CHANGES, "" + CHANGES));
            List<List<String>> expected = new ArrayList<>();
            expected.add(List.of("event_id", "orderid", "quantity", "partition"));
            for (int i = 0; i < CHANGES; i++) {
                ChangeEvent e = change(i);
                expected.add(
                        List.of(
                                e.eventId(),
                                "o" + i,
                                new BigDecimal(i % 50).setScale(4).toPlainString(),
                                partition(e)));
            }
            expected.subList(1, expected.size()).sort((a, b) -> a.get(0).compareTo(b.get(0)));
            assertThat(
                            w.query(
                                    "SELECT event_id, orderid, CAST(quantity AS VARCHAR) AS"
                                            + " quantity, 'table=' || \"table\" || '/dt=' || dt ||"
                                            + " '/hr=' || hr AS partition FROM changes ORDER BY"
                                            + " event_id"))
                    .isEqualTo(expected);
        }
    }

    private static String partition(ChangeEvent e) {
        String t = java.time.Instant.ofEpochMilli(e.changeTimeMillis()).toString();
        return "table="
                + e.tableName()
                + "/dt="
                + t.substring(0, 10)
                + "/hr="
                + t.substring(11, 13);
    }

    static ChangeEvent change(long i) {
        Map<String, DdbValue> keys = new LinkedHashMap<>();
        keys.put("orderid", DdbValue.s("o" + i));
        keys.put("order_date", DdbValue.s("2026-11-21T10:00:00"));
        Map<String, DdbValue> image = new LinkedHashMap<>(keys);
        image.put("item_number", DdbValue.s("item-" + i % 7));
        image.put("quantity", DdbValue.n(new BigDecimal(i % 50)));
        return new ChangeEvent(
                "Order_by_item",
                ChangeType.INSERT,
                keys,
                null,
                image,
                START_MICROS + i * STEP_MICROS,
                String.format("ev-%05d", i),
                Long.toString(i),
                false);
    }

    /** The i-th generated change. */
    private static final class Changes implements GeneratorFunction<Long, DecodeResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public DecodeResult map(Long index) {
            return DecodeResult.of(change(index));
        }
    }

    /**
     * Throws once on subtask 0: at the first record from its {@code failAt}-th on at which the
     * archive holds both committed parts and parts still in progress, so that the crash always
     * falls between a commit and the next one — whatever the checkpoint timing.
     */
    private static final class FailOnceMidStream
            extends RichMapFunction<DecodeResult, DecodeResult> {
        private static final long serialVersionUID = 1L;

        private final int failAt;
        private final String warehouse;
        private int seen;

        FailOnceMidStream(int failAt, String warehouse) {
            this.failAt = failAt;
            this.warehouse = warehouse;
        }

        @Override
        public DecodeResult map(DecodeResult value) {
            if (getRuntimeContext().getIndexOfThisSubtask() == 0
                    && ++seen >= failAt
                    && !FAILED.get()
                    && committedAndInProgressParts()
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + seen + " records");
            }
            return value;
        }

        private boolean committedAndInProgressParts() {
            try (Stream<Path> files = Files.walk(Paths.get(warehouse))) {
                Map<Boolean, Long> byHidden =
                        files.filter(Files::isRegularFile)
                                .collect(
                                        Collectors.partitioningBy(
                                                f -> f.getFileName().toString().startsWith("."),
                                                Collectors.counting()));
                return byHidden.get(true) > 0 && byHidden.get(false) > 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
