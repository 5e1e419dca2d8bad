package io.changeviews.job;

import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's entry point on MSF (and on any Flink cluster): reads the property groups, wires the
 * real connectors ({@link AwsPipelineIo}) and runs the pipeline. With {@code --config
 * <kda-app.json>} it reads the groups from that file instead of MSF's runtime.
 */
public final class ChangeViewsJob {
    private ChangeViewsJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, Properties> groups =
                args.length == 2 && args[0].equals("--config")
                        ? ApplicationProperties.fromKdaAppJson(Paths.get(args[1]))
                        : ApplicationProperties.fromMsfRuntime();
        JobConfig config = JobConfig.from(groups);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("changeviews");
    }

    /**
     * Wires the configured connectors into {@code env}; returns what each view is materialized as.
     */
    public static List<ChangeViewsPipeline.MaterializedView> build(
            StreamExecutionEnvironment env, JobConfig config) {
        return ChangeViewsPipeline.build(env, config, new AwsPipelineIo(config));
    }
}
