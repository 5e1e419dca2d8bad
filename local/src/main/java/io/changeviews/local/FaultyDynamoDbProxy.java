package io.changeviews.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * An HTTP proxy in front of a DynamoDB endpoint that counts calls, records the item writes that
 * landed and injects throttling, unprocessed items and latency into BatchWriteItem.
 */
public final class FaultyDynamoDbProxy implements AutoCloseable {

    public static final String BATCH_WRITE_ITEM = "DynamoDB_20120810.BatchWriteItem";

    private static final Logger LOG = LoggerFactory.getLogger(FaultyDynamoDbProxy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final String THROTTLED_BODY =
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\",\"message\":\"Rate"
                + " exceeded (injected)\"}";
    private static final int THREADS = 16;

    /**
     * Headers java.net.http refuses to set (JDK 11's list) or that belong to one hop. Host is
     * signed by SigV4, but DynamoDB Local does not check signatures.
     */
    private static final Set<String> UNFORWARDED_HEADERS =
            Set.of(
                    "host",
                    "content-length",
                    "connection",
                    "expect",
                    "upgrade",
                    "date",
                    "from",
                    "origin",
                    "referer",
                    "via",
                    "warning",
                    "transfer-encoding",
                    "keep-alive");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI upstream;
    private final DynamoDbClient upstreamClient;
    private final Random random;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> itemWrites = new ConcurrentHashMap<>();
    private final Map<String, List<String>> keyAttributes = new ConcurrentHashMap<>();
    private final AtomicLong throttledCalls = new AtomicLong();
    private final AtomicLong partialCalls = new AtomicLong();
    private final AtomicInteger batchWritesInProgress = new AtomicInteger();
    private final AtomicInteger maxBatchWritesInProgress = new AtomicInteger();
    private final List<ObservedWrite> writes = new ArrayList<>();

    private volatile double throttleFraction;
    private volatile double unprocessedFraction;
    // Replaced, never mutated, so a reader always sees a consistent pair.
    private volatile long[] delayRangeMillis = {0, 0};

    private FaultyDynamoDbProxy(
            HttpServer server, ExecutorService executor, String upstream, long seed) {
        this.server = server;
        this.executor = executor;
        this.upstream = URI.create(upstream);
        // Learns tables' key schemas directly, so these calls are not counted.
        this.upstreamClient = LocalEnvironment.client(DynamoDbClient.builder(), upstream);
        this.random = new Random(seed);
    }

    static {
        // The JDK HTTP server leaves Nagle's algorithm on, so every proxied call would wait ~40 ms
        // for a
        // delayed ACK and the proxy would set the pace of the writes. It reads this once, at its
        // first server.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * Starts a proxy on a free port in front of the endpoint, faults off, with a fixed random seed.
     */
    public static FaultyDynamoDbProxy start(String upstreamEndpoint) {
        return start(upstreamEndpoint, 42);
    }

    /**
     * Starts a proxy on a free port in front of the endpoint, faults off, drawing faults from the
     * seed.
     */
    public static FaultyDynamoDbProxy start(String upstreamEndpoint, long seed) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(LocalEnvironment.LOOPBACK, 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Could not open the proxy's port", e);
        }
        // Several threads: a delayed BatchWriteItem must not hold up other calls.
        ExecutorService executor =
                Executors.newFixedThreadPool(
                        THREADS,
                        task -> {
                            Thread thread = new Thread(task, "faulty-dynamodb-proxy");
                            thread.setDaemon(true);
                            return thread;
                        });
        FaultyDynamoDbProxy proxy =
                new FaultyDynamoDbProxy(server, executor, upstreamEndpoint, seed);
        server.createContext("/", proxy::handle);
        server.setExecutor(executor);
        server.start();
        return proxy;
    }

    public String endpoint() {
        return "http://" + LocalEnvironment.LOOPBACK + ":" + server.getAddress().getPort();
    }

    /**
     * Answers this fraction of BatchWriteItem calls with ProvisionedThroughputExceededException,
     * unforwarded.
     */
    public FaultyDynamoDbProxy throttleFraction(double fraction) {
        this.throttleFraction = fraction;
        return this;
    }

    /**
     * For this fraction of forwarded BatchWriteItem calls, writes only the first half of each
     * table's items.
     */
    public FaultyDynamoDbProxy unprocessedFraction(double fraction) {
        this.unprocessedFraction = fraction;
        return this;
    }

    /** Delays every BatchWriteItem call by a uniformly random time in [min, max] milliseconds. */
    public FaultyDynamoDbProxy delayMillis(long min, long max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("Need 0 <= min <= max, got " + min + ", " + max);
        }
        this.delayRangeMillis = new long[] {min, max};
        return this;
    }

    /**
     * Calls received for an {@code X-Amz-Target}, e.g. {@link #BATCH_WRITE_ITEM}, faulted ones
     * included.
     */
    public long calls(String operation) {
        LongAdder count = calls.get(operation);
        return count == null ? 0 : count.sum();
    }

    /** BatchWriteItem calls answered with the injected throttling error. */
    public long throttledCalls() {
        return throttledCalls.get();
    }

    /** BatchWriteItem calls answered with injected unprocessed items. */
    public long partialCalls() {
        return partialCalls.get();
    }

    /** The most BatchWriteItem calls the proxy was handling at the same time. */
    public int maxConcurrentBatchWrites() {
        return maxBatchWritesInProgress.get();
    }

    /** Item writes (puts and deletes) of the table that were forwarded and succeeded. */
    public long itemWrites(String table) {
        LongAdder count = itemWrites.get(table);
        return count == null ? 0 : count.sum();
    }

    /**
     * The item writes that succeeded, in the order their BatchWriteItem calls completed upstream
     * (and nanoTime order).
     */
    public List<ObservedWrite> writes() {
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        upstreamClient.close();
    }

    private void handle(HttpExchange exchange) {
        try {
            String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (operation != null) {
                calls.computeIfAbsent(operation, name -> new LongAdder()).increment();
            }
            if (BATCH_WRITE_ITEM.equals(operation)) {
                batchWriteItem(exchange, body);
            } else {
                HttpResponse<byte[]> response = forward(exchange, body);
                respond(exchange, response.statusCode(), response.headers().map(), response.body());
            }
        } catch (Exception e) {
            LOG.warn(
                    "Proxying {} {} failed",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI(),
                    e);
            String error =
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"proxy:"
                        + " "
                            + e.getClass().getSimpleName()
                            + "\"}";
            respondQuietly(exchange, 500, error);
        } finally {
            exchange.close();
        }
    }

    private void batchWriteItem(HttpExchange exchange, byte[] body)
            throws IOException, InterruptedException {
        maxBatchWritesInProgress.accumulateAndGet(
                batchWritesInProgress.incrementAndGet(), Math::max);
        try {
            faultyBatchWriteItem(exchange, body);
        } finally {
            batchWritesInProgress.decrementAndGet();
        }
    }

    private void faultyBatchWriteItem(HttpExchange exchange, byte[] body)
            throws IOException, InterruptedException {
        long[] delay = delayRangeMillis;
        if (delay[1] > 0) {
            Thread.sleep(delay[0] + (long) (draw() * (delay[1] - delay[0] + 1)));
        }
        if (draw() < throttleFraction) {
            throttledCalls.incrementAndGet();
            respond(
                    exchange,
                    400,
                    Map.of("x-amzn-ErrorType", List.of("ProvisionedThroughputExceededException")),
                    THROTTLED_BODY.getBytes(StandardCharsets.UTF_8));
            return;
        }
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        ObjectNode withheld = JSON.createObjectNode();
        if (draw() < unprocessedFraction) {
            partialCalls.incrementAndGet();
            request.set(
                    "RequestItems",
                    withholdSecondHalves((ObjectNode) request.get("RequestItems"), withheld));
        }
        ObjectNode forwarded = (ObjectNode) request.get("RequestItems");
        if (forwarded.isEmpty()) {
            respond(
                    exchange,
                    200,
                    Map.of(),
                    unprocessedResponse(JSON.createObjectNode(), withheld));
            return;
        }
        HttpResponse<byte[]> response = forward(exchange, JSON.writeValueAsBytes(request));
        if (response.statusCode() != 200) {
            respond(exchange, response.statusCode(), response.headers().map(), response.body());
            return;
        }
        ObjectNode result = (ObjectNode) JSON.readTree(response.body());
        record(forwarded, result.path("UnprocessedItems"));
        byte[] answer =
                withheld.isEmpty() ? response.body() : unprocessedResponse(result, withheld);
        respond(exchange, 200, response.headers().map(), answer);
    }

    /**
     * Moves the second half of each table's writes into {@code withheld}; returns the first halves.
     */
    private static ObjectNode withholdSecondHalves(ObjectNode requestItems, ObjectNode withheld) {
        ObjectNode kept = JSON.createObjectNode();
        requestItems
                .fields()
                .forEachRemaining(
                        table -> {
                            ArrayNode all = (ArrayNode) table.getValue();
                            int half = all.size() / 2;
                            ArrayNode first = kept.putArray(table.getKey());
                            ArrayNode second = withheld.putArray(table.getKey());
                            for (int i = 0; i < all.size(); i++) {
                                (i < half ? first : second).add(all.get(i));
                            }
                            // DynamoDB rejects a table with an empty list of writes.
                            if (first.isEmpty()) {
                                kept.remove(table.getKey());
                            }
                        });
        return kept;
    }

    /** The upstream result with the withheld writes added to its UnprocessedItems. */
    private static byte[] unprocessedResponse(ObjectNode result, ObjectNode withheld)
            throws IOException {
        JsonNode existing = result.get("UnprocessedItems");
        ObjectNode unprocessed =
                existing instanceof ObjectNode
                        ? (ObjectNode) existing
                        : result.putObject("UnprocessedItems");
        withheld.fields()
                .forEachRemaining(
                        table -> {
                            JsonNode upstreamTable = unprocessed.get(table.getKey());
                            ArrayNode writes =
                                    upstreamTable instanceof ArrayNode
                                            ? (ArrayNode) upstreamTable
                                            : unprocessed.putArray(table.getKey());
                            writes.addAll((ArrayNode) table.getValue());
                        });
        return JSON.writeValueAsBytes(result);
    }

    /**
     * Counts and records the forwarded writes, except those DynamoDB itself returned as
     * unprocessed.
     */
    private void record(ObjectNode forwarded, JsonNode upstreamUnprocessed) {
        // Outside the lock: the first write to a table looks up its key schema upstream.
        forwarded.fieldNames().forEachRemaining(this::keyAttributes);
        synchronized (writes) {
            // Taken under the lock, so the list is in nanoTime order.
            long nanoTime = System.nanoTime();
            forwarded
                    .fields()
                    .forEachRemaining(
                            table -> {
                                List<JsonNode> notWritten = new ArrayList<>();
                                upstreamUnprocessed.path(table.getKey()).forEach(notWritten::add);
                                for (JsonNode write : table.getValue()) {
                                    if (!notWritten.remove(write)) {
                                        writes.add(
                                                ObservedWrite.of(
                                                        table.getKey(),
                                                        keyAttributes(table.getKey()),
                                                        write,
                                                        nanoTime));
                                        itemWrites
                                                .computeIfAbsent(
                                                        table.getKey(), name -> new LongAdder())
                                                .increment();
                                    }
                                }
                            });
        }
    }

    private List<String> keyAttributes(String table) {
        return keyAttributes.computeIfAbsent(
                table,
                name -> {
                    List<String> names = new ArrayList<>();
                    // The key schema lists the partition key first, then the sort key.
                    for (KeySchemaElement element :
                            upstreamClient
                                    .describeTable(request -> request.tableName(name))
                                    .table()
                                    .keySchema()) {
                        names.add(element.attributeName());
                    }
                    return names;
                });
    }

    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                        .method(
                                exchange.getRequestMethod(),
                                HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) -> {
                            if (!UNFORWARDED_HEADERS.contains(name.toLowerCase())) {
                                values.forEach(value -> request.header(name, value));
                            }
                        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void respond(
            HttpExchange exchange,
            int status,
            Map<String, List<String>> upstreamHeaders,
            byte[] body)
            throws IOException {
        Headers headers = exchange.getResponseHeaders();
        upstreamHeaders.forEach(
                (name, values) -> {
                    if (!UNFORWARDED_HEADERS.contains(name.toLowerCase())) {
                        headers.put(name, values);
                    }
                });
        headers.putIfAbsent("Content-Type", List.of(CONTENT_TYPE));
        headers.putIfAbsent("x-amzn-RequestId", List.of(UUID.randomUUID().toString()));
        // The SDK checks DynamoDB's body checksum, and the body may have been rewritten.
        CRC32 crc = new CRC32();
        crc.update(body);
        headers.set("x-amz-crc32", String.valueOf(crc.getValue()));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void respondQuietly(HttpExchange exchange, int status, String body) {
        try {
            respond(exchange, status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException alreadyAnswered) {
            LOG.debug("Could not send the proxy's error response", alreadyAnswered);
        }
    }

    /** One item write that DynamoDB acknowledged. */
    public static final class ObservedWrite {
        private final String table;
        private final String key;
        private final String item;
        private final long nanoTime;

        public ObservedWrite(String table, String key, String item, long nanoTime) {
            this.table = table;
            this.key = key;
            this.item = item;
            this.nanoTime = nanoTime;
        }

        /** From one element of BatchWriteItem's list of PutRequest / DeleteRequest writes. */
        static ObservedWrite of(
                String table, List<String> keyNames, JsonNode write, long nanoTime) {
            JsonNode put = write.path("PutRequest").path("Item");
            JsonNode attributes =
                    put.isMissingNode() ? write.path("DeleteRequest").path("Key") : put;
            ObjectNode key = JSON.createObjectNode();
            for (String name : keyNames) {
                key.set(name, attributes.get(name));
            }
            return new ObservedWrite(
                    table, key.toString(), put.isMissingNode() ? null : put.toString(), nanoTime);
        }

        public String table() {
            return table;
        }

        /**
         * The key attributes in DynamoDB JSON, partition key first: the same string for every write
         * of an item.
         */
        public String key() {
            return key;
        }

        /** The written item in DynamoDB JSON, or null for a delete. */
        public String item() {
            return item;
        }

        public boolean isDelete() {
            return item == null;
        }

        /** {@link System#nanoTime()} when DynamoDB acknowledged the write. */
        public long nanoTime() {
            return nanoTime;
        }

        @Override
        public String toString() {
            return table + (item == null ? " DELETE " + key : " PUT " + item);
        }
    }
}
