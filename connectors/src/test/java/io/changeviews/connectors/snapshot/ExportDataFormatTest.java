package io.changeviews.connectors.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.ddb.DdbValue;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading an export's data files: items stamped with the export time minus the margin, bad lines as
 * dead letters, the done record last with the file's count, restores at every checkpointed
 * position, and a file whose count disagrees with its manifest failing the read.
 */
class ExportDataFormatTest {
    private static final String PROPERTY = "table.Orders / snapshot.export.location";
    private static final int ITEMS = 700;

    @TempDir Path temp;

    private ExportManifest manifest;

    private ExportDataFormat format(ExportFolder export) {
        manifest = ExportManifest.read(export.location(), ExportFolder.TABLE);
        return new ExportDataFormat(manifest, ExportFolder.TABLE, List.of("id"), 1000, PROPERTY);
    }

    private static String[] items(int count) {
        String[] lines = new String[count];
        for (int i = 0; i < count; i++) {
            lines[i] = ExportFolder.item("item-" + i, i);
        }
        return lines;
    }

    private FileSourceSplit split(int file, CheckpointedPosition position) throws IOException {
        org.apache.flink.core.fs.Path path =
                new org.apache.flink.core.fs.Path(manifest.dataFiles().get(file).path());
        long size = path.getFileSystem().getFileStatus(path).getLen();
        FileSourceSplit split = new FileSourceSplit("s" + file, path, 0, size, 0, size);
        return position == null ? split : split.updateWithCheckpointedPosition(position);
    }

    /** Every record of the reader with the position a checkpoint after it would store. */
    private static List<RecordAndPosition<SnapshotRecord>> readAll(
            BulkFormat.Reader<SnapshotRecord> reader) throws IOException {
        List<RecordAndPosition<SnapshotRecord>> out = new ArrayList<>();
        for (BulkFormat.RecordIterator<SnapshotRecord> batch = reader.readBatch();
                batch != null;
                batch = reader.readBatch()) {
            for (RecordAndPosition<SnapshotRecord> r = batch.next(); r != null; r = batch.next()) {
                out.add(
                        new RecordAndPosition<>(
                                r.getRecord(), r.getOffset(), r.getRecordSkipCount()));
            }
            batch.releaseBatch();
        }
        reader.close();
        return out;
    }

    @Test
    void aFileIsItsItemsThenItsDoneRecord() throws Exception {
        ExportDataFormat format =
                format(
                        new ExportFolder(temp)
                                .dataFile(
                                        "a.json.gz",
                                        2,
                                        ExportFolder.item("1", 1),
                                        "",
                                        ExportFolder.item("2", 2))
                                .dataFile("b.json.gz", ITEMS, items(ITEMS))
                                .manifests());
        List<SnapshotRecord> a =
                readAll(format.createReader(new Configuration(), split(0, null))).stream()
                        .map(RecordAndPosition::getRecord)
                        .collect(Collectors.toList());
        assertThat(a).hasSize(3);
        ChangeEvent first = a.get(0).item();
        assertThat(first.snapshot()).isTrue();
        assertThat(first.keys()).containsOnlyKeys("id").containsEntry("id", DdbValue.s("1"));
        assertThat(first.newImage()).containsEntry("n", DdbValue.n(new java.math.BigDecimal(1)));
        assertThat(first.changeTimeMicros())
                .isEqualTo((Instant.parse(ExportFolder.EXPORT_TIME).toEpochMilli() - 1000) * 1000);
        assertThat(first.sequenceNumber()).isEqualTo(ChangeEvent.SNAPSHOT_SEQUENCE_NUMBER);
        SnapshotRecord done = a.get(2);
        assertThat(done.isItem()).isFalse();
        assertThat(done.isDeadLetter()).isFalse();
        assertThat(done.table()).isEqualTo(ExportFolder.TABLE);
        assertThat(done.segment()).isEqualTo(0);
        assertThat(done.totalSegments()).isEqualTo(2);
        assertThat(done.itemsRead()).isEqualTo(2);

        List<RecordAndPosition<SnapshotRecord>> b =
                readAll(format.createReader(new Configuration(), split(1, null)));
        assertThat(b).hasSize(ITEMS + 1);
        assertThat(b.get(ITEMS).getRecord().segment()).isEqualTo(1);
        assertThat(b.get(ITEMS).getRecord().itemsRead()).isEqualTo(ITEMS);
        for (int i = 0; i < b.size(); i++) {
            assertThat(b.get(i).getRecordSkipCount()).isEqualTo(i + 1);
            assertThat(b.get(i).getOffset()).isEqualTo(CheckpointedPosition.NO_OFFSET);
        }
    }

    @Test
    void aRestoreGoesOnRightAfterTheLastEmittedRecord() throws Exception {
        ExportDataFormat format =
                format(
                        new ExportFolder(temp)
                                .dataFile("b.json.gz", ITEMS, items(ITEMS))
                                .manifests());
        List<SnapshotRecord> all =
                readAll(format.createReader(new Configuration(), split(0, null))).stream()
                        .map(RecordAndPosition::getRecord)
                        .collect(Collectors.toList());
        for (int emitted : new int[] {0, 1, 255, 256, 257, ITEMS - 1, ITEMS, ITEMS + 1}) {
            List<SnapshotRecord> rest =
                    readAll(
                                    format.restoreReader(
                                            new Configuration(),
                                            split(
                                                    0,
                                                    new CheckpointedPosition(
                                                            CheckpointedPosition.NO_OFFSET,
                                                            emitted))))
                            .stream()
                            .map(RecordAndPosition::getRecord)
                            .collect(Collectors.toList());
            assertThat(rest.stream().map(Object::toString).collect(Collectors.toList()))
                    .as("after %d records", emitted)
                    .isEqualTo(
                            all.subList(emitted, all.size()).stream()
                                    .map(Object::toString)
                                    .collect(Collectors.toList()));
            if (emitted <= ITEMS) {
                assertThat(rest.get(rest.size() - 1).itemsRead())
                        .as("the done record counts the skipped items too")
                        .isEqualTo(ITEMS);
            }
        }
    }

    @Test
    void undecodableLinesAreDeadLettersAndStillCount() throws Exception {
        ExportDataFormat format =
                format(
                        new ExportFolder(temp)
                                .dataFile(
                                        "a.json.gz",
                                        4,
                                        "{not json",
                                        "{\"Item\":{\"id\":{\"X\":\"1\"}}}",
                                        "{\"Item\":{\"n\":{\"N\":\"1\"}}}",
                                        "{\"item\":{}}")
                                .manifests());
        List<SnapshotRecord> records =
                readAll(format.createReader(new Configuration(), split(0, null))).stream()
                        .map(RecordAndPosition::getRecord)
                        .collect(Collectors.toList());
        assertThat(records.subList(0, 4)).allMatch(SnapshotRecord::isDeadLetter);
        assertThat(records.subList(0, 4))
                .extracting(r -> r.deadLetter().position())
                .containsExactly("a.json.gz#1", "a.json.gz#2", "a.json.gz#3", "a.json.gz#4");
        assertThat(records.get(0).deadLetter().reason()).startsWith("export item not JSON");
        assertThat(records.get(1).deadLetter().reason()).contains("Item.id");
        assertThat(records.get(2).deadLetter().reason())
                .isEqualTo("export item key attribute id is missing");
        assertThat(records.get(3).deadLetter().reason()).isEqualTo("export item no Item object");
        assertThat(records.get(3).deadLetter().payload()).isEqualTo("{\"item\":{}}");
        assertThat(records.get(0).deadLetter().source()).isEqualTo("export:Orders/a.json.gz");
        assertThat(records.get(4).itemsRead()).isEqualTo(4);
    }

    @Test
    void aFileWithOtherThanItsListedCountFailsTheReadNamingFileAndProperty() throws Exception {
        ExportDataFormat format =
                format(
                        new ExportFolder(temp)
                                .dataFile(
                                        "a.json.gz",
                                        3,
                                        ExportFolder.item("1", 1),
                                        ExportFolder.item("2", 2))
                                .manifests());
        BulkFormat.Reader<SnapshotRecord> reader =
                format.createReader(new Configuration(), split(0, null));
        assertThatThrownBy(() -> readAll(reader))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a.json.gz holds 2 items, but manifest-files.json lists 3")
                .hasMessageContaining(PROPERTY);
    }
}
