package io.changeviews.connectors.sink;

import io.changeviews.connectors.aws.AsyncClientProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.TwoPhaseCommittingSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.types.Row;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A view's sink in {@code on-checkpoint} mode: the writer keeps each key's newest row of the
 * checkpoint interval and hands them over as a committable ({@link ViewWrites}) that goes into the
 * checkpoint; the committer writes them once the checkpoint has completed, with the same
 * key-ordered machinery as {@code immediate} mode. After a restore the committables still pending
 * in the restored checkpoint are committed again, which is idempotent: they are absolute rows.
 *
 * <p>Why no key ever shows an older value than before, across restarts too: DynamoDB only sees
 * writes of completed checkpoints, and a restore resumes from the latest completed one, whose
 * writes are the newest anything has shown. Flink commits pending checkpoints in checkpoint order,
 * one call per checkpoint, and each call returns only when all its writes are acknowledged, so an
 * older checkpoint's write cannot land after a newer one's. Re-committing an older checkpoint after
 * a restore is harmless unless a newer one had been committed from the same restored state; that
 * needs the older checkpoint's completion notice to reach the committer after the newer
 * checkpoint's barrier, which a pause between checkpoints (MSF's MinPauseBetweenCheckpoints) rules
 * out: the notice is sent when a checkpoint completes, the next one starts a pause later.
 */
public final class OnCheckpointDynamoDbSink implements TwoPhaseCommittingSink<Row, ViewWrites> {
    private static final long serialVersionUID = 1L;

    private final String table;
    private final RowItemConverter converter;
    private final AsyncClientProvider<DynamoDbAsyncClient> clients;
    private final int maxInFlight;

    OnCheckpointDynamoDbSink(
            String table,
            RowItemConverter converter,
            AsyncClientProvider<DynamoDbAsyncClient> clients,
            int maxInFlight) {
        this.table = table;
        this.converter = converter;
        this.clients = clients;
        this.maxInFlight = maxInFlight;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<Row> createWriter(InitContext context) {
        return new IntervalWriter(converter);
    }

    @Override
    public Committer<ViewWrites> createCommitter(CommitterInitContext context) {
        DynamoDbAsyncClient client = clients.create();
        OrderedWriteEngine engine =
                new OrderedWriteEngine(
                        BatchWriteClient.of(client, table),
                        maxInFlight,
                        true,
                        OrderedWriteEngine.Mailbox.queue(),
                        context.metricGroup());
        return new ViewWritesCommitter(engine, client);
    }

    @Override
    public SimpleVersionedSerializer<ViewWrites> getCommittableSerializer() {
        return new ViewWritesSerializer();
    }

    /** Keeps the newest write per key until the next checkpoint takes them as a committable. */
    private static final class IntervalWriter implements PrecommittingSinkWriter<Row, ViewWrites> {
        private final RowItemConverter converter;
        private final Map<String, KeyedWrite> newest = new LinkedHashMap<>();

        IntervalWriter(RowItemConverter converter) {
            this.converter = converter;
        }

        @Override
        public void write(Row row, Context context) {
            String key = converter.keyString(row);
            newest.put(key, KeyedWrite.of(key, converter.apply(row, context)));
        }

        @Override
        public void flush(boolean endOfInput) {
            // Nothing leaves before its checkpoint completes; prepareCommit hands everything over.
        }

        @Override
        public Collection<ViewWrites> prepareCommit() {
            if (newest.isEmpty()) {
                return List.of();
            }
            ViewWrites writes = new ViewWrites(new ArrayList<>(newest.values()));
            newest.clear();
            return List.of(writes);
        }

        @Override
        public void close() {}
    }

    /**
     * Writes one completed checkpoint's committables and returns once DynamoDB has acknowledged all
     * of them; it runs on the committer's task thread, which may wait, while answers arrive through
     * a queue.
     */
    private static final class ViewWritesCommitter implements Committer<ViewWrites> {
        private final OrderedWriteEngine engine;
        private final DynamoDbAsyncClient client;

        ViewWritesCommitter(OrderedWriteEngine engine, DynamoDbAsyncClient client) {
            this.engine = engine;
            this.client = client;
        }

        @Override
        public void commit(Collection<CommitRequest<ViewWrites>> requests)
                throws IOException, InterruptedException {
            // One checkpoint's committables; after a rescale several writers' may meet here, newest
            // last.
            Map<String, KeyedWrite> newest = new LinkedHashMap<>();
            for (CommitRequest<ViewWrites> request : requests) {
                request.getCommittable().writes().forEach(w -> newest.put(w.key(), w));
            }
            for (KeyedWrite write : newest.values()) {
                engine.write(write);
            }
            engine.flush();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
