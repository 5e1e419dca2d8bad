package io.changeviews.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.job.ops.RepoPaths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The archive group: where it writes, how it reaches S3, and errors that name the group and key.
 */
class ArchiveConfigTest {
    private static ArchiveConfig archive(String... keyValues) throws Exception {
        Map<String, String> group = new HashMap<>();
        group.put(ArchiveConfig.PATH, null);
        group.put(ArchiveConfig.PART_MAX_BYTES, null);
        group.put(ArchiveConfig.COMPACTION_CHECKPOINTS, null);
        for (int i = 0; i < keyValues.length; i += 2) {
            group.put(keyValues[i], keyValues[i + 1]);
        }
        Map<String, Properties> groups =
                ApplicationProperties.withOverrides(
                        ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                        Map.of(ArchiveConfig.GROUP, group));
        return JobConfig.from(groups).archive();
    }

    @Test
    void theShippedConfigurationArchivesToS3WithTheRolesCredentials() throws Exception {
        ArchiveConfig shipped =
                JobConfig.from(ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()))
                        .archive();
        assertThat(shipped.enabled()).isTrue();
        assertThat(shipped.path()).isEqualTo("s3://<ARCHIVE_BUCKET>/changeviews");
        assertThat(shipped.isLocal()).isFalse();
        assertThat(shipped.flinkS3Options())
                .as("MSF: no endpoint or keys, the role is used")
                .isEmpty();
        assertThat(shipped.partMaxBytes()).isEqualTo(128L << 20);
        assertThat(shipped.compactionCheckpoints())
                .as("compaction off: see docs/archive.md")
                .isZero();
    }

    @Test
    void noPathMeansNoArchive() throws Exception {
        assertThat(archive().enabled()).isFalse();
        assertThat(archive().compactionCheckpoints()).as("no compaction unless asked for").isZero();
        assertThat(archive().path()).isNull();
    }

    @Test
    void aLocalFolderBecomesAFileUri() throws Exception {
        ArchiveConfig a = archive(ArchiveConfig.PATH, "/tmp/warehouse/");
        assertThat(a.path()).isEqualTo("file:///tmp/warehouse");
        assertThat(a.isLocal()).isTrue();
        assertThat(archive(ArchiveConfig.PATH, "file:///tmp/w").path()).isEqualTo("file:///tmp/w");
        assertThat(archive(ArchiveConfig.PATH, "s3a://bucket/a/b/").path())
                .isEqualTo("s3a://bucket/a/b");
    }

    @Test
    void endpointAndKeysBecomeFlinkS3OptionsAndTheSecretIsNeverShown() throws Exception {
        ArchiveConfig a =
                archive(
                        ArchiveConfig.PATH,
                        "s3://bucket/cv",
                        ArchiveConfig.S3_ENDPOINT,
                        "http://127.0.0.1:9000",
                        ArchiveConfig.S3_PATH_STYLE_ACCESS,
                        "true",
                        ArchiveConfig.S3_ACCESS_KEY,
                        "AKIAEXAMPLE",
                        ArchiveConfig.S3_SECRET_KEY,
                        "very-secret");
        assertThat(a.flinkS3Options())
                .containsEntry("s3.endpoint", "http://127.0.0.1:9000")
                .containsEntry("s3.path.style.access", "true")
                .containsEntry("s3.access-key", "AKIAEXAMPLE")
                .containsEntry("s3.secret-key", "very-secret")
                .containsEntry("s3.directory.marker.retention", "keep");
        assertThat(a.toString())
                .contains("s3://bucket/cv", "AKIAEXAMPLE")
                .doesNotContain("very-secret");
    }

    @Test
    void badValuesNameTheGroupAndTheKey() {
        assertThatThrownBy(() -> archive(ArchiveConfig.PATH, "relative/folder"))
                .hasMessageStartingWith(
                        "configuration archive / path: a local folder must be an absolute path");
        assertThatThrownBy(() -> archive(ArchiveConfig.PATH, "s3:///no-bucket"))
                .hasMessageStartingWith("configuration archive / path: must be s3://<bucket>");
        assertThatThrownBy(() -> archive(ArchiveConfig.PATH, "hdfs://nn/x"))
                .hasMessageStartingWith("configuration archive / path:");
        assertThatThrownBy(
                        () ->
                                archive(
                                        ArchiveConfig.PATH,
                                        "s3://b/p",
                                        ArchiveConfig.S3_ACCESS_KEY,
                                        "AKIA"))
                .hasMessage(
                        "configuration archive / s3.secret-key: is required when s3.access-key is"
                                + " set");
        assertThatThrownBy(() -> archive(ArchiveConfig.S3_SECRET_KEY, "very-secret"))
                .hasMessage(
                        "configuration archive / s3.access-key: is required when s3.secret-key is"
                                + " set");
        assertThatThrownBy(() -> archive(ArchiveConfig.S3_ENDPOINT, "localhost:9000"))
                .hasMessageStartingWith(
                        "configuration archive / s3.endpoint: must be an http(s)://host[:port]"
                                + " URL");
        assertThatThrownBy(() -> archive(ArchiveConfig.PART_MAX_BYTES, "1000"))
                .hasMessageStartingWith("configuration archive / part.max-bytes: must be at least");
        assertThatThrownBy(() -> archive(ArchiveConfig.PART_MAX_BYTES, "big"))
                .hasMessageStartingWith(
                        "configuration archive / part.max-bytes: must be a whole number");
        assertThatThrownBy(() -> archive(ArchiveConfig.COMPACTION_CHECKPOINTS, "-1"))
                .hasMessageStartingWith(
                        "configuration archive / compaction.checkpoints: must be a whole number"
                                + " from 0");
        assertThatThrownBy(() -> archive("s3.region", "eu-west-1"))
                .hasMessageStartingWith(
                        "configuration archive / s3.region: is not a known property");
    }
}
