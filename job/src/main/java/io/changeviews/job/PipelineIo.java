package io.changeviews.job;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.connectors.snapshot.SnapshotRecord;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.sentiment.ReviewScoring;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;

/**
 * Everything the pipeline reads from and writes to, in one place: {@link AwsPipelineIo} wires the
 * real connectors, tests inject in-memory sources and collecting sinks.
 */
public interface PipelineIo {
    /**
     * The change records, decoded (or dead letters), with the source's stable uid. With tables to
     * snapshot, a fresh start must begin early enough to overlap them ({@link
     * io.changeviews.job.bootstrap.StreamStart}).
     */
    DataStream<DecodeResult> changes(StreamExecutionEnvironment env);

    /**
     * The bounded snapshot of a table whose {@link SourceTableSpec#snapshot()} is set: its items,
     * and a done record after each of its {@code totalSegments} segments; with the stable uid
     * {@code snapshot-<table>}. Asked for only on tables with a snapshot.
     */
    DataStream<SnapshotRecord> snapshot(
            StreamExecutionEnvironment env, SourceTableSpec table, int totalSegments);

    /**
     * How many segments the snapshot of {@code table} has in a job of {@code parallelism}: the
     * Scan's TotalSegments; an export's are its data files.
     */
    default int snapshotSegments(SourceTableSpec table, int parallelism) {
        return table.snapshot().totalSegments(parallelism);
    }

    /**
     * The sink of a view's writes: rows of kind INSERT or UPDATE_AFTER are puts, DELETE a delete of
     * the key.
     */
    Sink<Row> view(ViewSpec view, RowItemConverter converter);

    /**
     * The sink of every dead letter: undecodable records, unconvertible attributes, unwritable view
     * rows.
     */
    Sink<DeadLetter> deadLetters();

    /** The sink of an archived dataset; asked for only when the archive is on. */
    Sink<GenericRecord> archive(ArchivedDataset dataset);

    /** What scores review texts; asked for only when sentiment is configured. */
    ReviewScoring reviewScoring();
}
