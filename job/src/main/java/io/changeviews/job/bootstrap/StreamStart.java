package io.changeviews.job.bootstrap;

import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Instant;
import java.util.Properties;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;

/**
 * Where the change stream starts on a fresh start when tables are bootstrapped: early enough to
 * overlap every snapshot, so that no change made after an item was scanned is missed.
 *
 * <p>The snapshot's start is taken when the job is built, which is before any page's request: every
 * snapshot item is stamped at least that time minus its table's clock margin. Kinesis then starts
 * {@code AT_TIMESTAMP} of that time minus the largest margin (a record's arrival time is never
 * earlier than its change's time), or earlier if the configuration says so (TRIM_HORIZON, an
 * earlier timestamp: older changes are simply stale). DynamoDB Streams starts at TRIM_HORIZON,
 * every table's stream alike since they share one consumer; {@link TableStreams} checks that each
 * snapshotted table's stream is old enough to cover its snapshot.
 */
public final class StreamStart {
    private StreamStart() {}

    /** The source properties for a fresh start at {@code buildTime}. */
    public static Properties overlapping(JobConfig config, Instant buildTime) {
        Properties p = config.sourceProperties();
        long margin = 0;
        boolean snapshots = false;
        for (SourceTableSpec t : config.snapshotTables()) {
            snapshots = true;
            margin = Math.max(margin, t.snapshot().clockMarginMillis());
        }
        if (!snapshots) {
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
        double seconds = (buildTime.toEpochMilli() - margin) / 1000.0;
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
