package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.job.ChangeViewsJob;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * No credential the job is given reaches a log line or a dead letter: the DynamoDB writers' secret
 * key (their group's {@code aws.credentials.provider.basic.secretkey}), the archive's {@code
 * s3.secret-key} (to s3proxy) and the secret the Kinesis source finds in the SDKs' system
 * properties (its group's provider {@code AUTO}, the default chain), each a distinct value, while
 * every logger of this JVM records at INFO (MSF's level) and the job reads changes and a malformed
 * record and writes its views, archive and dead letter.
 */
class CredentialsNotLoggedITCase {
    private static final String STREAM = "credential-changes";
    private static final String BUCKET = S3ArchiveITCase.BUCKET;
    private static final int OPERATIONS = 120;
    private static final long START_MICROS = 1_795_291_200_000_000L;

    private static final String DYNAMODB_SECRET = "dynamodb-secret-8a27e0b5";
    private static final String SYSTEM_SECRET = "system-property-secret-3b6f52d1";

    /** The default chains' system properties: SDK v2's, and v1's name for the secret. */
    private static final Map<String, String> SYSTEM_CREDENTIALS =
            Map.of(
                    "aws.accessKeyId", "system-property-key",
                    "aws.secretAccessKey", SYSTEM_SECRET,
                    "aws.secretKey", SYSTEM_SECRET);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void noCredentialAppearsInAnyLogLineOrDeadLetter(@TempDir Path work) throws Exception {
        Map<String, String> previous = new HashMap<>();
        SYSTEM_CREDENTIALS.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        List<String> secrets = List.of(DYNAMODB_SECRET, S3Proxy.SECRET_KEY, SYSTEM_SECRET);
        Map<String, Map<String, String>> deadLetters;
        try (LogCapture logs = LogCapture.everyLoggerAtInfo();
                LocalDynamoDb dynamoDb = LocalDynamoDb.start();
                KinesisMock kinesis = KinesisMock.start();
                S3Proxy s3 = S3Proxy.start(work.resolve("s3proxy"), BUCKET)) {
            kinesis.createStream(STREAM, 2);
            DynamoDbClient ddb = dynamoDb.client();
            JobConfig config = config(kinesis, dynamoDb, s3);
            LocalTables.createSourceTables(ddb);
            LocalTables.createDeadLetterTable(ddb, config.deadLetterTable());
            ExpectedViews expected = changeAndDeliver(dynamoDb, kinesis);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(500);
            List<MaterializedView> views = ChangeViewsJob.build(env, config);
            LocalTables.createTargetTables(ddb, views);
            JobClient job = env.executeAsync("changeviews-credentials");
            try {
                EmulatedPipeline.awaitViews(ddb, views, expected, Duration.ofMinutes(2));
            } finally {
                job.cancel().get();
            }
            deadLetters =
                    LocalTables.scanAsText(
                            ddb, config.deadLetterTable(), List.of("source", "position"));

            assertThat(logs.text())
                    .as("the capture saw the job's own INFO lines and Flink's")
                    .contains("S3 filesystem configured for the")
                    .contains("switched from state CREATED to RUNNING");
            for (String secret : secrets) {
                assertThat(logs.text()).as("the log").doesNotContain(secret);
            }
        } finally {
            previous.forEach(CredentialsNotLoggedITCase::restore);
        }
        assertThat(deadLetters).as("the malformed record's").hasSize(1);
        for (String secret : secrets) {
            assertThat(deadLetters.toString()).as("the dead letters").doesNotContain(secret);
        }
    }

    private static JobConfig config(KinesisMock kinesis, LocalDynamoDb dynamoDb, S3Proxy s3)
            throws Exception {
        Map<String, Map<String, String>> groups = new HashMap<>();
        groups.put(JobConfig.SOURCE, Map.of("aws.credentials.provider", "AUTO"));
        groups.put(
                JobConfig.DYNAMODB,
                Map.of("aws.credentials.provider.basic.secretkey", DYNAMODB_SECRET));
        groups.put(ArchiveConfig.GROUP, EmulatedPipeline.s3Archive(s3, BUCKET));
        return EmulatedPipeline.config(kinesis.endpoint(), dynamoDb.endpoint(), STREAM, groups);
    }

    /** Random changes made in DynamoDB Local and delivered, with one malformed record. */
    private static ExpectedViews changeAndDeliver(LocalDynamoDb dynamoDb, KinesisMock kinesis)
            throws Exception {
        Map<String, List<Long>> changeTimes = new HashMap<>();
        EmulatedPipeline.applyRandom(
                new SampleData(5), dynamoDb.client(), OPERATIONS, START_MICROS, 1000L, changeTimes);
        List<ChangeEvent> changes =
                EmulatedPipeline.deliver(
                        kinesis.client(),
                        STREAM,
                        EmulatedPipeline.kdsRecords(dynamoDb.streamsClient(), changeTimes),
                        PutRecordsRequestEntry.builder()
                                .partitionKey("malformed")
                                .data(
                                        SdkBytes.fromUtf8String(
                                                "{\"eventName\": \"INSERT\", truncated"))
                                .build());
        return new ExpectedViews(EmulatedPipeline.scanSeedTables(dynamoDb.client()), changes);
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }

    /**
     * Every logger of this JVM at INFO or finer into memory, with the stack traces of logged
     * exceptions; closing restores the configuration from its file.
     */
    private static final class LogCapture extends AbstractAppender implements AutoCloseable {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private final LoggerContext context;

        private LogCapture(LoggerContext context) {
            super("credential-capture", null, null, true, Property.EMPTY_ARRAY);
            this.context = context;
        }

        static LogCapture everyLoggerAtInfo() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            LogCapture capture = new LogCapture(context);
            capture.start();
            Configuration configuration = context.getConfiguration();
            List<LoggerConfig> loggers = new ArrayList<>(configuration.getLoggers().values());
            loggers.add(configuration.getRootLogger());
            for (LoggerConfig logger : loggers) {
                if (logger.getLevel().isMoreSpecificThan(Level.WARN)) {
                    logger.setLevel(Level.INFO);
                }
                logger.addAppender(capture, null, null);
            }
            context.updateLoggers();
            return capture;
        }

        @Override
        public void append(LogEvent event) {
            StringWriter line = new StringWriter();
            line.append(event.getLoggerName())
                    .append(' ')
                    .append(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
                event.getThrown().printStackTrace(new PrintWriter(line));
            }
            lines.add(line.toString());
        }

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            context.reconfigure();
            stop();
        }
    }
}
