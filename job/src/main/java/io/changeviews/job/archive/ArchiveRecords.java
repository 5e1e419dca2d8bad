package io.changeviews.job.archive;

import io.changeviews.connectors.archive.RowToAvro;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Turns a dataset's stream elements into Avro records of the dataset's schema, just before its
 * Parquet sink; elements that map to no row are skipped. It carries the dataset's description,
 * which is how the DDL and query commands find the datasets of a built job.
 */
final class ArchiveRecords<T> implements FlatMapFunction<T, GenericRecord> {
    private static final long serialVersionUID = 1L;

    private final ArchivedDataset dataset;
    private final SerializableFunction<T, Row> toRow;
    private final RowToAvro toAvro;

    ArchiveRecords(ArchivedDataset dataset, SerializableFunction<T, Row> toRow) {
        this.dataset = dataset;
        this.toRow = toRow;
        this.toAvro = new RowToAvro(dataset.columns(), dataset.avroSchema());
    }

    ArchivedDataset dataset() {
        return dataset;
    }

    @Override
    public void flatMap(T element, Collector<GenericRecord> out) {
        Row row = toRow.apply(element);
        if (row != null) {
            out.collect(toAvro.convert(row));
        }
    }
}
