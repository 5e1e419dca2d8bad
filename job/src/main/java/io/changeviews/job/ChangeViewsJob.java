package io.changeviews.job;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.DynamoDbSinks;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.connectors.source.ChangeSourceFactory;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.ViewSpec;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The job's entry point on MSF (and on any Flink cluster): reads the property groups, wires the
 * real Kinesis or DynamoDB Streams source and the DynamoDB sinks, and runs the pipeline. With
 * {@code --config <kda-app.json>} it reads the groups from that file instead of MSF's runtime.
 */
public final class ChangeViewsJob {
    private ChangeViewsJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, Properties> groups = args.length == 2 && args[0].equals("--config")
                ? ApplicationProperties.fromKdaAppJson(Paths.get(args[1]))
                : ApplicationProperties.fromMsfRuntime();
        JobConfig config = JobConfig.from(groups);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("changeviews");
    }

    /** Wires the configured source and DynamoDB sinks into {@code env}; returns what each view is materialized as. */
    public static List<ChangeViewsPipeline.MaterializedView> build(StreamExecutionEnvironment env, JobConfig config) {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        return ChangeViewsPipeline.build(tEnv, config, source(env, config), new DynamoDbPipelineSinks(config));
    }

    static DataStream<DecodeResult> source(StreamExecutionEnvironment env, JobConfig config) {
        SourceFunction<DecodeResult> source = config.sourceType() == JobConfig.SourceType.KINESIS
                ? ChangeSourceFactory.kinesis(config.stream(), config.sourceProperties())
                : ChangeSourceFactory.dynamoDbStreams(config.stream(), config.streamTable(), config.sourceProperties());
        return env.addSource(source).uid(config.sourceUid()).name("Changes from " + config.stream());
    }

    /** The production sinks: each view's DynamoDB table and the dead-letter table. */
    public static final class DynamoDbPipelineSinks implements ChangeViewsPipeline.Sinks {
        private final JobConfig config;

        public DynamoDbPipelineSinks(JobConfig config) {
            this.config = config;
        }

        @Override
        public Sink<Row> view(ViewSpec view, RowItemConverter converter) {
            return DynamoDbSinks.rows(view.targetTable(), converter, config.dynamoDbProperties());
        }

        @Override
        public Sink<DeadLetter> deadLetters() {
            return DynamoDbSinks.deadLetters(config.deadLetterTable(), config.dynamoDbProperties());
        }
    }
}
