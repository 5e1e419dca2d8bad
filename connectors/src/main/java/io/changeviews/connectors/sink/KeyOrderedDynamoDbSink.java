package io.changeviews.connectors.sink;

import io.changeviews.connectors.aws.AsyncClientProvider;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.types.Row;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A view's sink in {@code immediate} mode: rows are written as soon as they arrive, with up to
 * {@code maxInFlight} BatchWriteItem requests in flight and order kept per key ({@link
 * KeyOrderedBatcher}). A checkpoint completes only once everything it covers is written.
 */
public final class KeyOrderedDynamoDbSink implements Sink<Row> {
    private static final long serialVersionUID = 1L;

    private final String table;
    private final RowItemConverter converter;
    private final AsyncClientProvider<DynamoDbAsyncClient> clients;
    private final int maxInFlight;
    private final boolean keyOrdered;

    KeyOrderedDynamoDbSink(
            String table,
            RowItemConverter converter,
            AsyncClientProvider<DynamoDbAsyncClient> clients,
            int maxInFlight,
            boolean keyOrdered) {
        this.table = table;
        this.converter = converter;
        this.clients = clients;
        this.maxInFlight = maxInFlight;
        this.keyOrdered = keyOrdered;
    }

    /**
     * The same sink with per-key order off: a key may be in several requests at once. Only for
     * showing, in a test, the stale overwrites that per-key order prevents.
     */
    public KeyOrderedDynamoDbSink withoutPerKeyOrder() {
        return new KeyOrderedDynamoDbSink(table, converter, clients, maxInFlight, false);
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<Row> createWriter(InitContext context) throws IOException {
        DynamoDbAsyncClient client = clients.create();
        OrderedWriteEngine engine =
                new OrderedWriteEngine(
                        BatchWriteClient.of(client, table),
                        maxInFlight,
                        keyOrdered,
                        OrderedWriteEngine.Mailbox.of(context.getMailboxExecutor()),
                        context.metricGroup());
        return new Writer(converter, engine, client);
    }

    /**
     * Hands each row to the engine; a flush (before every checkpoint) waits until all is written.
     */
    private static final class Writer implements SinkWriter<Row> {
        private final RowItemConverter converter;
        private final OrderedWriteEngine engine;
        private final DynamoDbAsyncClient client;

        Writer(RowItemConverter converter, OrderedWriteEngine engine, DynamoDbAsyncClient client) {
            this.converter = converter;
            this.engine = engine;
            this.client = client;
        }

        @Override
        public void write(Row row, Context context) throws IOException, InterruptedException {
            engine.write(KeyedWrite.of(converter.keyString(row), converter.apply(row, context)));
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            engine.flush();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
