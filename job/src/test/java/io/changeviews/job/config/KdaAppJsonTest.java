package io.changeviews.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.changeviews.job.ops.RepoPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationMode;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeContentType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CreateApplicationRequest;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkApplicationConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.PropertyGroup;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.RuntimeEnvironment;

/**
 * kda-app.json is a valid CreateApplication input whose property groups configure the job
 * completely.
 */
class KdaAppJsonTest {

    /**
     * Reads the file into the AWS SDK's CreateApplication model; unknown or misspelled fields fail.
     */
    private static CreateApplicationRequest request() throws Exception {
        ObjectMapper json =
                new ObjectMapper()
                        .setPropertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return json.readValue(
                        RepoPaths.kdaAppJson().toFile(),
                        CreateApplicationRequest.serializableBuilderClass())
                .build();
    }

    @Test
    void isACreateApplicationRequestForFlink119WithSnapshotsAndCheckpoints() throws Exception {
        CreateApplicationRequest r = request();
        assertThat(r.runtimeEnvironment()).isEqualTo(RuntimeEnvironment.FLINK_1_19);
        assertThat(r.applicationMode()).isEqualTo(ApplicationMode.STREAMING);
        assertThat(r.serviceExecutionRole()).startsWith("arn:aws:iam::");
        assertThat(r.applicationConfiguration().applicationCodeConfiguration().codeContentType())
                .isEqualTo(CodeContentType.ZIPFILE);
        assertThat(
                        r.applicationConfiguration()
                                .applicationCodeConfiguration()
                                .codeContent()
                                .s3ContentLocation()
                                .fileKey())
                .endsWith("-msf.jar");
        assertThat(
                        r.applicationConfiguration()
                                .applicationSnapshotConfiguration()
                                .snapshotsEnabled())
                .isTrue();
        FlinkApplicationConfiguration flink =
                r.applicationConfiguration().flinkApplicationConfiguration();
        assertThat(flink.checkpointConfiguration().checkpointingEnabled()).isTrue();
        assertThat(flink.parallelismConfiguration().parallelism()).isPositive();
        assertThat(flink.monitoringConfiguration().metricsLevelAsString()).isEqualTo("OPERATOR");
        assertThat(r.cloudWatchLoggingOptions()).hasSize(1);
    }

    @Test
    void propertyGroupsConfigureTheJobAndSetEveryKeyItReads() throws Exception {
        Map<String, Properties> groups = new LinkedHashMap<>();
        for (PropertyGroup g :
                request().applicationConfiguration().environmentProperties().propertyGroups()) {
            Properties p = new Properties();
            p.putAll(g.propertyMap());
            groups.put(g.propertyGroupId(), p);
        }
        // JobConfig rejects any key it does not read, so a valid configuration has no unused
        // property.
        JobConfig config = JobConfig.from(groups);
        assertThat(config.sourceType()).isEqualTo(JobConfig.SourceType.KINESIS);
        Set<String> notForKinesis = Set.of(JobConfig.INITIAL_TIMESTAMP);
        JobConfig.GROUP_KEYS.forEach(
                (group, keys) ->
                        keys.stream()
                                .filter(
                                        k ->
                                                !(group.equals(JobConfig.SOURCE)
                                                        && notForKinesis.contains(k)))
                                .forEach(
                                        k ->
                                                assertThat(groups.get(group).getProperty(k))
                                                        .as("%s / %s", group, k)
                                                        .isNotBlank()));
        assertThat(groups.get(JobConfig.SOURCE).getProperty("aws.region")).isNotBlank();
        assertThat(groups.get(JobConfig.DYNAMODB).getProperty("aws.region")).isNotBlank();
        assertThat(groups.keySet())
                .allMatch(id -> id.length() <= 50 && id.matches("[a-zA-Z0-9_.-]+"));

        String policy =
                new String(
                        Files.readAllBytes(RepoPaths.root().resolve("iam-policy.json")),
                        StandardCharsets.UTF_8);
        assertThat(policy)
                .as("the role may read the configured stream")
                .contains(":stream/" + config.stream() + "\"");
        assertThat(policy).contains(":table/" + config.deadLetterTable() + "\"");
        String archive = config.archive().path().replaceFirst("^s3a?://", "");
        assertThat(policy)
                .as("the role may write the archive")
                .contains("arn:aws:s3:::" + archive + "/*\"")
                .contains("arn:aws:s3:::" + archive.substring(0, archive.indexOf('/')) + "\"");
        config.views()
                .forEach(
                        v ->
                                assertThat(policy)
                                        .as("the role may write %s", v.targetTable())
                                        .contains(":table/" + v.targetTable() + "\""));
    }
}
