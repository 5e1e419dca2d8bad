package io.changeviews.job.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.ops.RepoPaths;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** With a snapshot the stream starts no later than the snapshot's start minus the margin. */
class StreamStartTest {
    private static final Instant BUILD = Instant.parse("2026-12-01T12:00:00Z");

    private static Properties start(Map<String, String> source, String margin) throws Exception {
        Map<String, String> table = new HashMap<>();
        if (margin != null) {
            table.put(JobConfig.TABLE_SNAPSHOT, "scan");
            table.put(JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, margin);
        }
        return start(source, Map.of(JobConfig.TABLE_PREFIX + "Order_by_item", table), Map.of());
    }

    private static Properties start(
            Map<String, String> source,
            Map<String, Map<String, String>> tables,
            Map<String, Instant> exportTimes)
            throws Exception {
        Map<String, Map<String, String>> o = new HashMap<>(tables);
        o.put(JobConfig.SOURCE, source);
        return StreamStart.overlapping(
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), o)),
                BUILD,
                exportTimes);
    }

    @Test
    void anExportTableStartsTheStreamAtItsExportTimeMinusItsMargin() throws Exception {
        Instant exported = BUILD.minusSeconds(3600);
        Map<String, String> export =
                Map.of(
                        JobConfig.TABLE_SNAPSHOT, "export",
                        JobConfig.SNAPSHOT_EXPORT_LOCATION, "/exports/x/",
                        JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, "5000");
        Map<String, String> scan =
                Map.of(
                        JobConfig.TABLE_SNAPSHOT, "scan",
                        JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, "1000");
        Properties p =
                start(
                        Map.of(JobConfig.INITIAL_POSITION, "LATEST"),
                        Map.of(
                                JobConfig.TABLE_PREFIX + "Order_by_item", export,
                                JobConfig.TABLE_PREFIX + "InvoiceTransactions", scan),
                        Map.of("Order_by_item", exported));
        assertThat(p.getProperty("flink.stream.initpos")).isEqualTo("AT_TIMESTAMP");
        assertThat(Double.parseDouble(p.getProperty("flink.stream.initpos.timestamp")))
                .as("the earlier of the export's and the scan's start")
                .isEqualTo((exported.toEpochMilli() - 5000) / 1000.0);
    }

    @Test
    void latestBecomesTheSnapshotStartMinusTheMargin() throws Exception {
        Properties p = start(Map.of(JobConfig.INITIAL_POSITION, "LATEST"), "3000");
        assertThat(p.getProperty("flink.stream.initpos")).isEqualTo("AT_TIMESTAMP");
        assertThat(Double.parseDouble(p.getProperty("flink.stream.initpos.timestamp")))
                .isEqualTo((BUILD.toEpochMilli() - 3000) / 1000.0);
    }

    @Test
    void anEarlierConfiguredPositionIsKeptAndALaterOneMovedBack() throws Exception {
        assertThat(
                        start(Map.of(JobConfig.INITIAL_POSITION, "TRIM_HORIZON"), "3000")
                                .getProperty("flink.stream.initpos"))
                .isEqualTo("TRIM_HORIZON");
        Properties earlier =
                start(
                        Map.of(
                                JobConfig.INITIAL_POSITION,
                                "AT_TIMESTAMP",
                                JobConfig.INITIAL_TIMESTAMP,
                                "2026-11-30T00:00:00Z"),
                        "3000");
        assertThat(Double.parseDouble(earlier.getProperty("flink.stream.initpos.timestamp")))
                .isEqualTo(Instant.parse("2026-11-30T00:00:00Z").getEpochSecond());
        Properties later =
                start(
                        Map.of(
                                JobConfig.INITIAL_POSITION,
                                "AT_TIMESTAMP",
                                JobConfig.INITIAL_TIMESTAMP,
                                "2026-12-02T00:00:00Z"),
                        "3000");
        assertThat(Double.parseDouble(later.getProperty("flink.stream.initpos.timestamp")))
                .isEqualTo((BUILD.toEpochMilli() - 3000) / 1000.0);
    }

    @Test
    void withoutASnapshotTheConfiguredPositionStays() throws Exception {
        assertThat(
                        start(Map.of(JobConfig.INITIAL_POSITION, "LATEST"), null)
                                .getProperty("flink.stream.initpos"))
                .isEqualTo("LATEST");
    }

    @Test
    void dynamoDbStreamsWithASnapshotReadFromTrimHorizon() throws Exception {
        Properties p =
                start(
                        Map.of(
                                JobConfig.SOURCE_TYPE,
                                "dynamodb-streams",
                                JobConfig.INITIAL_POSITION,
                                "LATEST"),
                        "3000");
        assertThat(p.getProperty("flink.stream.initpos")).isEqualTo("TRIM_HORIZON");
        assertThat(p.getProperty("flink.stream.initpos.timestamp")).isNull();
    }
}
