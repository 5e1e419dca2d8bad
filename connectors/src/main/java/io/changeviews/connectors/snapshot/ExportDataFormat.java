package io.changeviews.connectors.snapshot;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;

/**
 * Reads an export's data files for {@link org.apache.flink.connector.file.src.FileSource}, each
 * file whole (gzip is not splittable) as one snapshot segment: its lines become snapshot items and,
 * after the last, the segment's done record. A split's checkpointed position is the number of
 * records it emitted, so a restore skips exactly those lines and neither repeats nor loses one.
 */
public final class ExportDataFormat implements BulkFormat<SnapshotRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    private final ExportManifest manifest;
    private final String table;
    private final List<String> keyNames;
    private final long snapshotTimeMicros;
    private final String configuredBy;
    private final Map<String, Integer> segments = new HashMap<>();

    /**
     * @param table the DynamoDB table the items are of
     * @param keyNames its key attributes
     * @param clockMarginMillis how much earlier than the export time the items are stamped
     * @param configuredBy the property that names the export, for error messages
     */
    public ExportDataFormat(
            ExportManifest manifest,
            String table,
            List<String> keyNames,
            long clockMarginMillis,
            String configuredBy) {
        this.manifest = manifest;
        this.table = table;
        this.keyNames = List.copyOf(keyNames);
        this.snapshotTimeMicros = (manifest.exportTime().toEpochMilli() - clockMarginMillis) * 1000;
        this.configuredBy = configuredBy;
        for (int i = 0; i < manifest.dataFiles().size(); i++) {
            segments.put(manifest.dataFiles().get(i).name(), i);
        }
    }

    @Override
    public Reader<SnapshotRecord> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return reader(split, 0);
    }

    @Override
    public Reader<SnapshotRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return reader(
                split,
                split.getReaderPosition()
                        .map(CheckpointedPosition::getRecordsAfterOffset)
                        .orElse(0L));
    }

    private Reader<SnapshotRecord> reader(FileSourceSplit split, long emitted) throws IOException {
        String name = split.path().getName();
        Integer segment = segments.get(name);
        if (segment == null) {
            throw new IOException(
                    name + " is not a data file of the " + manifest + " (" + configuredBy + ")");
        }
        ExportFileReader reader =
                new ExportFileReader(
                        split.path(),
                        new ExportLineDecoder(table, keyNames, snapshotTimeMicros, name),
                        table,
                        segment,
                        manifest.dataFiles().size(),
                        manifest.dataFiles().get(segment).itemCount(),
                        configuredBy);
        reader.skip(emitted);
        return reader;
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SnapshotRecord> getProducedType() {
        return TypeInformation.of(SnapshotRecord.class);
    }
}
