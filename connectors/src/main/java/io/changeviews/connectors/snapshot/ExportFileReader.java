package io.changeviews.connectors.snapshot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.io.compression.InflaterInputStreamFactory;
import org.apache.flink.connector.file.src.compression.StandardDeCompressors;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;

/**
 * Reads one data file of an export line by line, in batches: each line is a record, and after the
 * last one the segment's done record. Blank lines are no items. At the end the file must hold as
 * many items as the manifest says; otherwise the read fails naming the file and the property (a
 * truncated or foreign file must not make a view that looks complete).
 */
final class ExportFileReader implements BulkFormat.Reader<SnapshotRecord> {
    private static final int BATCH = 256;

    private final Path path;
    private final ExportLineDecoder decoder;
    private final String table;
    private final int segment;
    private final int totalSegments;
    private final long expectedItems;
    private final String configuredBy;
    private final BufferedReader lines;
    private long items;
    private long lineNumber;
    private long emitted;
    private boolean finished;

    /**
     * @param segment the file's index among the export's {@code totalSegments} data files
     * @param expectedItems the file's item count in the manifest
     */
    ExportFileReader(
            Path path,
            ExportLineDecoder decoder,
            String table,
            int segment,
            int totalSegments,
            long expectedItems,
            String configuredBy)
            throws IOException {
        this.path = path;
        this.decoder = decoder;
        this.table = table;
        this.segment = segment;
        this.totalSegments = totalSegments;
        this.expectedItems = expectedItems;
        this.configuredBy = configuredBy;
        InputStream in = path.getFileSystem().open(path);
        InflaterInputStreamFactory<?> gzip =
                StandardDeCompressors.getDecompressorForFileName(path.getName());
        if (gzip != null) {
            in = gzip.create(in);
        }
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /**
     * Passes over the {@code records} a checkpoint says were emitted (items, and the done record if
     * it was among them), counting the items.
     */
    void skip(long records) throws IOException {
        while (emitted < records && !finished) {
            if (nextItemLine() == null) {
                finished = true;
            } else {
                items++;
            }
            emitted++;
        }
    }

    @Override
    public BulkFormat.RecordIterator<SnapshotRecord> readBatch() throws IOException {
        if (finished) {
            return null;
        }
        SnapshotRecord[] batch = new SnapshotRecord[BATCH];
        int n = 0;
        while (n < BATCH && !finished) {
            String line = nextItemLine();
            if (line == null) {
                checkCount();
                batch[n++] = SnapshotRecord.segmentDone(table, segment, totalSegments, items);
                finished = true;
            } else {
                items++;
                batch[n++] = decoder.decode(line, lineNumber);
            }
        }
        ArrayResultIterator<SnapshotRecord> records = new ArrayResultIterator<>();
        records.set(batch, n, CheckpointedPosition.NO_OFFSET, emitted);
        emitted += n;
        return records;
    }

    private String nextItemLine() throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNumber++;
            if (!line.trim().isEmpty()) {
                return line;
            }
        }
        return null;
    }

    private void checkCount() throws IOException {
        if (items != expectedItems) {
            throw new IOException(
                    "data file "
                            + path
                            + " holds "
                            + items
                            + " items, but "
                            + ExportManifest.FILES
                            + " lists "
                            + expectedItems
                            + ": the export named by "
                            + configuredBy
                            + " is incomplete or was changed; take a new export");
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
