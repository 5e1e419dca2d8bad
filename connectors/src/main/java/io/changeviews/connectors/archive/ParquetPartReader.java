package io.changeviews.connectors.archive;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.avro.AvroParquetReaders;

/**
 * Reads a committed Parquet part back record by record, so compaction can rewrite small parts into
 * one.
 */
final class ParquetPartReader implements RecordWiseFileCompactor.Reader<GenericRecord> {
    private final StreamFormat.Reader<GenericRecord> reader;

    private ParquetPartReader(StreamFormat.Reader<GenericRecord> reader) {
        this.reader = reader;
    }

    @Override
    public GenericRecord read() throws IOException {
        return reader.read();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** Opens parts of one dataset schema. */
    static final class Factory implements RecordWiseFileCompactor.Reader.Factory<GenericRecord> {
        private static final long serialVersionUID = 1L;

        private final String schemaJson;

        Factory(Schema schema) {
            this.schemaJson = schema.toString();
        }

        @Override
        public RecordWiseFileCompactor.Reader<GenericRecord> createFor(Path path)
                throws IOException {
            FileSystem fs = path.getFileSystem();
            long length = fs.getFileStatus(path).getLen();
            FSDataInputStream in = fs.open(path);
            return new ParquetPartReader(
                    AvroParquetReaders.forGenericRecord(new Schema.Parser().parse(schemaJson))
                            .createReader(new Configuration(), in, length, length));
        }
    }
}
