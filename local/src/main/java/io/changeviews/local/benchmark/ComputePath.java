package io.changeviews.local.benchmark;

import io.changeviews.job.common.Uids;
import io.changeviews.job.config.JobConfig;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's compute path on the workload: decode → normalize → SQL → coalesce, the measured view
 * into {@link FinalValues}, every other sink discarding, so no DynamoDB (and no emulator's CPU) is
 * counted.
 */
final class ComputePath {
    private static final String NAME = "compute path";

    // Never called: the compute path replaces every sink that would write to DynamoDB, and the
    // workload holds no review that the score cache would be asked about.
    static final String NO_DYNAMODB = "http://127.0.0.1:9";

    /** The operator whose state is per source item (image, version, recent event ids). */
    static final String NORMALIZER_UID = "normalize-" + Uids.kebab(JobUnderTest.ORDERS);

    private ComputePath() {}

    static ComputeRun measure(
            byte[][] records,
            int parallelism,
            MeasuredEnv.Backend backend,
            Map<String, Long> expectedSums,
            Progress progress)
            throws Exception {
        JobConfig config = JobUnderTest.measuredViewOnly(NO_DYNAMODB);
        try (EncodedFeed feed = new EncodedFeed(records)) {
            StreamExecutionEnvironment env = MeasuredEnv.create(parallelism, backend);
            FinalValues values = new FinalValues();
            JobUnderTest.buildComputePath(
                    env,
                    config,
                    feed.decoded(env, "Pre-encoded KDS records", JobUnderTest.STREAM),
                    values);
            return ComputeRun.execute(
                    NAME,
                    parallelism,
                    backend,
                    feed,
                    NORMALIZER_UID,
                    env,
                    values,
                    expectedSums,
                    progress);
        }
    }
}
