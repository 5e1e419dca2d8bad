package io.changeviews.local;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.PipelineIo;
import io.changeviews.job.archive.ArchivedDataset;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.ViewSpec;
import io.changeviews.job.sentiment.ReviewScoring;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;

/**
 * The pipeline's I/O without emulators: a bounded source of the given records, and sinks that keep
 * in memory what the job wrote: each view's table as DynamoDB would hold it after the writes (the
 * real element converter builds each put or delete), the dead letters and the archived records. The
 * sentiment engine is the configured one, so the shipped (embedded) configuration needs no AWS.
 */
final class CollectingPipelineIo implements PipelineIo {
    // Sinks run in the MiniCluster of this JVM; what they write lands here, under this run's id.
    private static final Map<String, Map<String, Map<String, String>>> TABLES =
            new ConcurrentHashMap<>();
    private static final Map<String, List<Object>> OUTPUTS = new ConcurrentHashMap<>();

    private final String run = UUID.randomUUID().toString();
    private final JobConfig config;
    private final List<DecodeResult> records;

    CollectingPipelineIo(JobConfig config, List<DecodeResult> records) {
        this.config = config;
        this.records = records;
    }

    @Override
    public DataStream<DecodeResult> changes(StreamExecutionEnvironment env) {
        return env.fromData(records, TypeInformation.of(DecodeResult.class))
                .setParallelism(1)
                .uid(config.sourceUid())
                .name("Recorded changes");
    }

    @Override
    public Sink<Row> view(ViewSpec view, RowItemConverter converter) {
        return new TableSink(run + "/" + view.name(), converter, view.targetKey());
    }

    @Override
    public Sink<DeadLetter> deadLetters() {
        return new ListSink<>(run + "/dead-letters");
    }

    @Override
    public Sink<GenericRecord> archive(ArchivedDataset dataset) {
        return new ListSink<>(run + "/archive/" + dataset.name());
    }

    @Override
    public ReviewScoring reviewScoring() {
        return ReviewScoring.configured(config);
    }

    /** The view's table after the job's writes: key → attribute → text. */
    Map<String, Map<String, String>> table(String view) {
        return new TreeMap<>(TABLES.getOrDefault(run + "/" + view, Map.of()));
    }

    List<DeadLetter> deadLetterList() {
        return output("dead-letters");
    }

    List<GenericRecord> archived(String dataset) {
        return output("archive/" + dataset);
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> output(String name) {
        List<Object> out = OUTPUTS.getOrDefault(run + "/" + name, List.of());
        synchronized (out) {
            return (List<T>) new ArrayList<>(out);
        }
    }

    /** Applies each write to an in-memory table, keyed like the DynamoDB table. */
    private static final class TableSink implements Sink<Row> {
        private static final long serialVersionUID = 1L;
        private final String id;
        private final RowItemConverter converter;
        private final List<String> key;

        TableSink(String id, RowItemConverter converter, List<String> key) {
            this.id = id;
            this.converter = converter;
            this.key = key;
        }

        @Override
        public SinkWriter<Row> createWriter(InitContext context) {
            Map<String, Map<String, String>> table =
                    TABLES.computeIfAbsent(id, i -> new ConcurrentHashMap<>());
            return writer(
                    row -> {
                        DynamoDbWriteRequest write = converter.apply(row, null);
                        Map<String, String> item = new TreeMap<>();
                        write.getItem()
                                .forEach((name, value) -> item.put(name, LocalTables.text(value)));
                        List<String> keyValues = new ArrayList<>();
                        key.forEach(k -> keyValues.add(item.get(k)));
                        if (write.getType() == DynamoDbWriteRequestType.PUT) {
                            table.put(String.join("|", keyValues), item);
                        } else {
                            table.remove(String.join("|", keyValues));
                        }
                    });
        }
    }

    /** Keeps every element, in arrival order per subtask. */
    private static final class ListSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final String id;

        ListSink(String id) {
            this.id = id;
        }

        @Override
        public SinkWriter<T> createWriter(InitContext context) {
            List<Object> out =
                    OUTPUTS.computeIfAbsent(
                            id, i -> Collections.synchronizedList(new ArrayList<>()));
            return writer(out::add);
        }
    }

    private static <T> SinkWriter<T> writer(Consumer<T> write) {
        return new SinkWriter<T>() {
            @Override
            public void write(T element, Context context) {
                write.accept(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
