package io.changeviews.connectors.snapshot;

import java.util.List;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;

/**
 * A bounded snapshot of one DynamoDB table from a DynamoDB export: Flink's {@link FileSource} over
 * the export's data files, one split (and one snapshot segment) per file, read in parallel by
 * {@link ExportDataFormat}. Its state is the files not yet assigned and, per file being read, the
 * records emitted; finished files stay finished after a restore.
 */
public final class ExportSnapshotSource {
    private ExportSnapshotSource() {}

    /**
     * @param table the DynamoDB table the export is of
     * @param keyNames the table's key attributes
     * @param clockMarginMillis how much earlier than the export time the items are stamped
     * @param configuredBy the property naming the export, for error messages
     */
    public static FileSource<SnapshotRecord> of(
            ExportManifest manifest,
            String table,
            List<String> keyNames,
            long clockMarginMillis,
            String configuredBy) {
        Path[] files =
                manifest.dataFiles().stream().map(f -> new Path(f.path())).toArray(Path[]::new);
        return FileSource.forBulkFileFormat(
                        new ExportDataFormat(
                                manifest, table, keyNames, clockMarginMillis, configuredBy),
                        files)
                .build();
    }
}
