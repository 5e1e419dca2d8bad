package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.archive.AthenaDdl;
import io.changeviews.job.archive.ParquetArchive;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generic rows path with a reviews_enriched-like stream (review columns, event name, change
 * time, sentiment label, scores and engine): the rows land once each in Hive partitions of their
 * change time, readable by DuckDB, and the dataset is listed for the DDL and query commands.
 */
class ReviewsEnrichedDatasetITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    static final RowTypeInfo REVIEWS_ENRICHED =
            new RowTypeInfo(
                    new TypeInformation<?>[] {
                        Types.STRING,
                        Types.STRING,
                        Types.STRING,
                        Types.BIG_DEC,
                        Types.STRING,
                        Types.INSTANT,
                        Types.STRING,
                        Types.DOUBLE,
                        Types.DOUBLE,
                        Types.DOUBLE,
                        Types.DOUBLE,
                        Types.STRING
                    },
                    new String[] {
                        "pk",
                        "sk",
                        "review_body",
                        "star_rating",
                        "event_name",
                        "change_time",
                        "sentiment",
                        "sentiment_positive",
                        "sentiment_negative",
                        "sentiment_neutral",
                        "sentiment_mixed",
                        "sentiment_engine"
                    });

    /**
     * Archives {@code rows} as dataset {@code name} of table {@code table} into Parquet files, as
     * the job does.
     */
    private static void archiveRows(
            ArchiveConfig archive, String name, String table, DataStream<Row> rows) {
        ParquetArchive.rows(
                archive, name, table, rows, dataset -> ParquetArchive.parquet(archive, dataset));
    }

    static ArchiveConfig archiveAt(Path folder) {
        Properties p = new Properties();
        p.setProperty(ArchiveConfig.PATH, folder.toString());
        return JobConfig.from(
                        Map.of(
                                JobConfig.SOURCE,
                                props(JobConfig.STREAM_NAME, "s"),
                                "table.reviews",
                                props("column.pk", "STRING"),
                                ArchiveConfig.GROUP,
                                p))
                .archive();
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    static Row review(int i) {
        return Row.of(
                "B00004U2JW",
                "REVIEW#" + i,
                i % 2 == 0 ? "great product" : "it broke, awful",
                new BigDecimal(1 + i % 5),
                i == 0 ? "INSERT" : "MODIFY",
                Instant.parse("2026-11-21T22:30:00Z").plusSeconds(i * 600L),
                i % 2 == 0 ? "POSITIVE" : "NEGATIVE",
                i % 2 == 0 ? 0.9 : 0.05,
                i % 2 == 0 ? 0.05 : 0.9,
                0.04,
                0.01,
                "embedded");
    }

    @Test
    void rowsLandOnceEachInTheirPartitionsAndAreListedAsADataset(@TempDir Path warehouse)
            throws Exception {
        List<Row> input = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            input.add(review(i));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DataStream<Row> enriched = env.fromCollection(input, REVIEWS_ENRICHED);
        archiveRows(archiveAt(warehouse), "reviews_enriched", "reviews", enriched);
        List<ArchivedDataset> datasets = ParquetArchive.datasets(env);
        env.execute("reviews-enriched-archive");

        assertThat(datasets).extracting(ArchivedDataset::name).containsExactly("reviews_enriched");
        try (Stream<Path> files = Files.walk(warehouse)) {
            assertThat(
                            files.filter(Files::isRegularFile)
                                    .map(f -> warehouse.relativize(f.getParent()).toString())
                                    .distinct()
                                    .sorted())
                    .containsExactly(
                            "reviews_enriched/table=reviews/dt=2026-11-21/hr=22",
                            "reviews_enriched/table=reviews/dt=2026-11-21/hr=23",
                            "reviews_enriched/table=reviews/dt=2026-11-22/hr=00",
                            "reviews_enriched/table=reviews/dt=2026-11-22/hr=01",
                            "reviews_enriched/table=reviews/dt=2026-11-22/hr=02",
                            "reviews_enriched/table=reviews/dt=2026-11-22/hr=03");
        }
        try (Warehouse w = Warehouse.open(warehouse, datasets)) {
            List<List<String>> rows =
                    w.query(
                            "SELECT sk, review_body, star_rating, event_name,"
                                + " epoch_ms(change_time), sentiment, sentiment_positive,"
                                + " sentiment_engine, \"table\", dt, hr FROM reviews_enriched WHERE"
                                + " pk = 'B00004U2JW' ORDER BY change_time");
            List<List<String>> expected =
                    input.stream()
                            .map(
                                    r -> {
                                        Instant t = (Instant) r.getField(5);
                                        String iso = t.toString();
                                        return List.of(
                                                (String) r.getField(1),
                                                (String) r.getField(2),
                                                ((BigDecimal) r.getField(3))
                                                        .setScale(18)
                                                        .toPlainString(),
                                                (String) r.getField(4),
                                                Long.toString(t.toEpochMilli()),
                                                (String) r.getField(6),
                                                r.getField(7).toString(),
                                                "embedded",
                                                "reviews",
                                                iso.substring(0, 10),
                                                iso.substring(11, 13));
                                    })
                            .collect(Collectors.toList());
            assertThat(rows.subList(1, rows.size())).isEqualTo(expected);
        }
    }

    @Test
    void aDatasetWithoutPartsYetIsAnEmptyTableWithItsColumns(@TempDir Path warehouse)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        archiveRows(
                archiveAt(warehouse),
                "reviews_enriched",
                "reviews",
                env.fromCollection(List.of(review(0)), REVIEWS_ENRICHED));
        try (Warehouse w = Warehouse.open(warehouse, ParquetArchive.datasets(env))) {
            List<List<String>> rows = w.query("SELECT pk, sentiment, dt FROM reviews_enriched");
            assertThat(rows).containsExactly(List.of("pk", "sentiment", "dt"));
        }
    }

    @Test
    void theAthenaTableHasTheRowColumnsAndProjectedPartitions(@TempDir Path warehouse) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        archiveRows(
                archiveAt(warehouse),
                "reviews_enriched",
                "reviews",
                env.fromCollection(List.of(review(0)), REVIEWS_ENRICHED));
        String ddl =
                AthenaDdl.createTable(
                        ParquetArchive.datasets(env).get(0),
                        "s3://bucket/cv/reviews_enriched",
                        LocalDate.parse("2026-01-01"));
        assertThat(ddl)
                .startsWith(
                        "CREATE EXTERNAL TABLE IF NOT EXISTS `reviews_enriched` (\n  `pk` string,")
                .contains(
                        "`star_rating` decimal(38,18)",
                        "`change_time` timestamp",
                        "`sentiment_mixed` double",
                        "PARTITIONED BY (`table` string, `dt` string, `hr` string)",
                        "STORED AS PARQUET",
                        "LOCATION 's3://bucket/cv/reviews_enriched/'",
                        "'projection.table.values' = 'reviews'",
                        "'projection.dt.range' = '2026-01-01,NOW'",
                        "'storage.location.template' ="
                            + " 's3://bucket/cv/reviews_enriched/table=${table}/dt=${dt}/hr=${hr}/'");
    }

    @Test
    void aRowTypeWithoutAChangeTimeIsRefusedWhenTheJobIsBuilt(@TempDir Path warehouse) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RowTypeInfo noTime =
                new RowTypeInfo(new TypeInformation<?>[] {Types.STRING}, new String[] {"pk"});
        assertThatThrownBy(
                        () ->
                                archiveRows(
                                        archiveAt(warehouse),
                                        "x",
                                        "reviews",
                                        env.fromCollection(List.of(Row.of("a")), noTime)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("change_time");
    }
}
