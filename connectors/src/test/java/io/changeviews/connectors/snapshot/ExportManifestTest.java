package io.changeviews.connectors.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an export's manifests must say before a snapshot reads it, on files in a temp folder. */
class ExportManifestTest {
    @TempDir Path temp;

    private ExportFolder twoFiles() {
        return new ExportFolder(temp)
                .dataFile("a.json.gz", 2, ExportFolder.item("1", 1), ExportFolder.item("2", 2))
                .dataFile("b.json.gz", 1, ExportFolder.item("3", 3));
    }

    @Test
    void aCompleteExportGivesItsTimeFilesAndCounts() {
        ExportFolder export = twoFiles().manifests();
        ExportManifest m = ExportManifest.read(export.location(), ExportFolder.TABLE);
        assertThat(m.exportTime()).isEqualTo(Instant.parse(ExportFolder.EXPORT_TIME));
        assertThat(m.tableArn()).isEqualTo(ExportFolder.TABLE_ARN);
        assertThat(m.itemCount()).isEqualTo(3);
        assertThat(m.dataFiles())
                .extracting(ExportManifest.DataFile::name, ExportManifest.DataFile::itemCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a.json.gz", 2L),
                        org.assertj.core.groups.Tuple.tuple("b.json.gz", 1L));
        assertThat(m.location()).endsWith("/");
        assertThat(ExportManifest.read(export.dir.toString(), ExportFolder.TABLE).dataFiles())
                .as("a plain local path works as well")
                .hasSize(2);
    }

    @Test
    void anotherFormatIsRefused() {
        ExportFolder export = twoFiles().manifests("ION", ExportFolder.TABLE_ARN);
        assertThatThrownBy(() -> ExportManifest.read(export.location(), ExportFolder.TABLE))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageContaining("is in ION; only DYNAMODB_JSON exports can be read");
    }

    @Test
    void anotherTablesExportIsRefused() {
        ExportFolder export =
                twoFiles()
                        .manifests(
                                ExportManifest.DYNAMODB_JSON,
                                "arn:aws:dynamodb:us-east-1:123456789012:table/Customers");
        assertThatThrownBy(() -> ExportManifest.read(export.location(), ExportFolder.TABLE))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageContaining("is of table Customers")
                .hasMessageContaining("not of Orders");
    }

    @Test
    void missingManifestsAreNamed() throws Exception {
        ExportFolder export = twoFiles().manifests();
        Files.delete(export.dir.resolve(ExportManifest.FILES));
        assertThatThrownBy(() -> ExportManifest.read(export.location(), ExportFolder.TABLE))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageStartingWith("manifest-files.json is missing at file:");
        Files.delete(export.dir.resolve(ExportManifest.SUMMARY));
        assertThatThrownBy(() -> ExportManifest.read(export.location(), ExportFolder.TABLE))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageStartingWith("manifest-summary.json is missing at file:");
        assertThatThrownBy(
                        () ->
                                ExportManifest.read(
                                        temp.resolve("nothing").toString(), ExportFolder.TABLE))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageContaining("manifest-summary.json is missing");
    }

    @Test
    void aListedDataFileThatIsMissingIsNamed() throws Exception {
        ExportFolder export = twoFiles().manifests();
        Files.delete(export.dir.resolve("data/b.json.gz"));
        assertThatThrownBy(() -> ExportManifest.read(export.location(), ExportFolder.TABLE))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageStartingWith(
                        "data file data/b.json.gz listed in manifest-files.json is missing at");
    }

    @Test
    void aSummaryCountThatDisagreesWithTheFilesIsRefused() throws Exception {
        ExportFolder export = twoFiles().manifests();
        Path summary = export.dir.resolve(ExportManifest.SUMMARY);
        Files.writeString(
                summary, Files.readString(summary).replace("\"itemCount\":3", "\"itemCount\":4"));
        assertThatThrownBy(() -> ExportManifest.read(export.location(), ExportFolder.TABLE))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageContaining("counts 4 items, its data files in manifest-files.json 3");
    }
}
