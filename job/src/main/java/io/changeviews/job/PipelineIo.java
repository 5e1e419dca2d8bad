package io.changeviews.job;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.archive.ArchivedDataset;
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
    /** The change records, decoded (or dead letters), with the source's stable uid. */
    DataStream<DecodeResult> changes(StreamExecutionEnvironment env);

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
