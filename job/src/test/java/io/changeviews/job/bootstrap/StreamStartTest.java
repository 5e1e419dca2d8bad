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
        Map<String, Map<String, String>> o = new HashMap<>();
        o.put(JobConfig.SOURCE, source);
        Map<String, String> table = new HashMap<>();
        if (margin != null) {
            table.put(JobConfig.TABLE_SNAPSHOT, "scan");
            table.put(JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, margin);
        }
        o.put(JobConfig.TABLE_PREFIX + "Order_by_item", table);
        return StreamStart.overlapping(
                JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), o)),
                BUILD);
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
