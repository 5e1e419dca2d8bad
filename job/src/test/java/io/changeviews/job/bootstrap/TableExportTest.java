package io.changeviews.job.bootstrap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.ops.RepoPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unfit export fails the job's build as a configuration error naming the property. */
class TableExportTest {
    @TempDir Path temp;

    private SourceTableSpec orders() throws Exception {
        return JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()),
                                Map.of(
                                        "table.Order_by_item",
                                        Map.of(
                                                JobConfig.TABLE_SNAPSHOT,
                                                "export",
                                                JobConfig.SNAPSHOT_EXPORT_LOCATION,
                                                temp.toString()))))
                .snapshotTables()
                .get(0);
    }

    @Test
    void aMissingManifestNamesTheLocation() throws Exception {
        SourceTableSpec table = orders();
        assertThatThrownBy(
                        () ->
                                TableExport.manifest(
                                        table,
                                        table.snapshot().exportLocation(),
                                        JobConfig.SNAPSHOT_EXPORT_LOCATION))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "configuration table.Order_by_item / snapshot.export.location:"
                                + " manifest-summary.json is missing at");
    }

    @Test
    void anotherTablesExportNamesTheProperty() throws Exception {
        Files.writeString(
                temp.resolve("manifest-summary.json"),
                "{\"exportArn\":\"arn:aws:dynamodb:us-east-1:1:table/Other/export/e\","
                    + "\"tableArn\":\"arn:aws:dynamodb:us-east-1:1:table/Other\","
                    + "\"exportTime\":\"2026-12-01T10:00:00Z\",\"outputFormat\":\"DYNAMODB_JSON\"}");
        SourceTableSpec table = orders();
        assertThatThrownBy(
                        () ->
                                TableExport.manifest(
                                        table,
                                        table.snapshot().exportLocation(),
                                        JobConfig.SNAPSHOT_EXPORT_TO))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("configuration table.Order_by_item / snapshot.export.to:")
                .hasMessageContaining("is of table Other")
                .hasMessageContaining("not of Order_by_item");
    }
}
