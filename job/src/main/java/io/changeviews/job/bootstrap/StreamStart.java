package io.changeviews.job.bootstrap;

import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;

/**
 * Where the change stream starts on a fresh start when tables are bootstrapped: early enough to
 * overlap every snapshot, so that no change made after an item was scanned is missed.
 *
 * <p>A Scan snapshot's start is taken when the job is built, which is before any page's request:
 * every scanned item is stamped at least that time minus its table's clock margin; an exported item
 * is stamped with its export's time minus the margin. Kinesis then starts {@code AT_TIMESTAMP} of
 * the earliest of these (a record's arrival time is never earlier than its change's time), or
 * earlier if the configuration says so (TRIM_HORIZON, an earlier timestamp: older changes are
 * simply stale). DynamoDB Streams starts at TRIM_HORIZON, every table's stream alike since they
 * share one consumer; {@link TableStreams} checks that each snapshotted table's stream is old
 * enough to cover its snapshot.
 */
public final class StreamStart {
    private StreamStart() {}

    /**
     * The source properties for a fresh start at {@code buildTime}, with the export time of each
     * table (by SQL name) bootstrapped from an export.
     */
    public static Properties overlapping(
            JobConfig config, Instant buildTime, Map<String, Instant> exportTimes) {
        Properties p = config.sourceProperties();
        long earliest = Long.MAX_VALUE;
        for (SourceTableSpec t : config.snapshotTables()) {
            Instant start =
                    t.snapshot().kind() == JobConfig.SnapshotKind.EXPORT
                            ? exportTimes.get(t.sqlName())
                            : buildTime;
            earliest = Math.min(earliest, start.toEpochMilli() - t.snapshot().clockMarginMillis());
        }
        if (earliest == Long.MAX_VALUE) {
            return p;
        }
        String position = p.getProperty(ConsumerConfigConstants.STREAM_INITIAL_POSITION);
        if (config.sourceType() == JobConfig.SourceType.DYNAMODB_STREAMS
                || JobConfig.InitialPosition.TRIM_HORIZON.name().equals(position)) {
            p.setProperty(
                    ConsumerConfigConstants.STREAM_INITIAL_POSITION,
                    JobConfig.InitialPosition.TRIM_HORIZON.name());
            p.remove(ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP);
            return p;
        }
        double seconds = earliest / 1000.0;
        String configured = p.getProperty(ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP);
        if (JobConfig.InitialPosition.AT_TIMESTAMP.name().equals(position) && configured != null) {
            seconds = Math.min(seconds, Double.parseDouble(configured));
        }
        p.setProperty(
                ConsumerConfigConstants.STREAM_INITIAL_POSITION,
                JobConfig.InitialPosition.AT_TIMESTAMP.name());
        p.setProperty(ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP, Double.toString(seconds));
        return p;
    }
}
