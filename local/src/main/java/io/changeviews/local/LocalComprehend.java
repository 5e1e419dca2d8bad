package io.changeviews.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.changeviews.job.sentiment.LexiconSentimentEngine;
import io.changeviews.job.sentiment.ReviewText;
import io.changeviews.job.sentiment.SentimentScore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A local HTTP endpoint that speaks Amazon Comprehend's JSON protocol ({@code X-Amz-Target:
 * Comprehend_20171127.BatchDetectSentiment} and {@code .DetectSentiment}), so the real SDK client
 * can be pointed at it. It scores with the embedded lexicon, and injects throttling, 5xx answers,
 * slow answers and per-document errors at configured rates; it counts calls and scored documents.
 *
 * <p>The faults of whole calls follow an even schedule, starting with the first call each fault is
 * judged on: a job makes a few dozen calls, where a random draw at 15 % would miss a fault type in
 * a run now and then (and a test asserting it was exercised would fail by chance). Per-document
 * errors, drawn over hundreds of documents, are random with the seed.
 */
public final class LocalComprehend implements AutoCloseable {
    public static final String BATCH_DETECT_SENTIMENT = "Comprehend_20171127.BatchDetectSentiment";
    public static final String DETECT_SENTIMENT = "Comprehend_20171127.DetectSentiment";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int THREADS = 16;

    private final HttpServer server;
    private final ExecutorService executor;
    private final LexiconSentimentEngine lexicon = new LexiconSentimentEngine();
    private final Random random;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> scoredTexts = new ConcurrentHashMap<>();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong slow = new AtomicLong();
    private final AtomicLong documentErrors = new AtomicLong();
    private final AtomicLong judgedForSlow = new AtomicLong();
    private final AtomicLong judgedForThrottle = new AtomicLong();
    private final AtomicLong judgedForServerError = new AtomicLong();

    private volatile double throttleFraction;
    private volatile double serverErrorFraction;
    private volatile double slowFraction;
    private volatile long slowMillis;
    private volatile double documentErrorFraction;

    private LocalComprehend(HttpServer server, ExecutorService executor, long seed) {
        this.server = server;
        this.executor = executor;
        this.random = new Random(seed);
    }

    /** Starts the endpoint on a free port, faults off, drawing faults from {@code seed}. */
    public static LocalComprehend start(long seed) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(LocalEnvironment.LOOPBACK, 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Could not open the local Comprehend port", e);
        }
        // Several threads: a slow answer must not hold up the others.
        ExecutorService executor =
                Executors.newFixedThreadPool(
                        THREADS,
                        task -> {
                            Thread thread = new Thread(task, "local-comprehend");
                            thread.setDaemon(true);
                            return thread;
                        });
        LocalComprehend comprehend = new LocalComprehend(server, executor, seed);
        server.createContext("/", comprehend::handle);
        server.setExecutor(executor);
        server.start();
        return comprehend;
    }

    public String endpoint() {
        return "http://" + LocalEnvironment.LOOPBACK + ":" + server.getAddress().getPort();
    }

    /**
     * Answers this fraction of calls with a TooManyRequestsException (HTTP 400), as Comprehend
     * throttles.
     */
    public LocalComprehend throttleFraction(double fraction) {
        this.throttleFraction = fraction;
        return this;
    }

    /** Answers this fraction of calls with an InternalServerException (HTTP 500). */
    public LocalComprehend serverErrorFraction(double fraction) {
        this.serverErrorFraction = fraction;
        return this;
    }

    /**
     * Holds this fraction of calls for {@code millis} before answering (beyond a client's timeout,
     * the call times out).
     */
    public LocalComprehend slowFraction(double fraction, long millis) {
        this.slowFraction = fraction;
        this.slowMillis = millis;
        return this;
    }

    /**
     * Fails this fraction of documents in a batch with a per-document INTERNAL_SERVER_ERROR in the
     * ErrorList.
     */
    public LocalComprehend documentErrorFraction(double fraction) {
        this.documentErrorFraction = fraction;
        return this;
    }

    /**
     * Calls received of an operation (e.g. {@link #BATCH_DETECT_SENTIMENT}), faulty ones included.
     */
    public long calls(String operation) {
        LongAdder n = calls.get(operation);
        return n == null ? 0 : n.sum();
    }

    /** Documents answered with a sentiment, over all calls. */
    public long scoredDocuments() {
        return scoredTexts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** How many times each distinct text (by hash) was answered with a sentiment. */
    public Map<String, Long> scoredTextCounts() {
        Map<String, Long> out = new ConcurrentHashMap<>();
        scoredTexts.forEach((hash, n) -> out.put(hash, n.sum()));
        return out;
    }

    public long throttledCalls() {
        return throttled.get();
    }

    public long serverErrors() {
        return serverErrors.get();
    }

    public long slowCalls() {
        return slow.get();
    }

    public long documentErrors() {
        return documentErrors.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private synchronized double draw() {
        return random.nextDouble();
    }

    /**
     * Whether the next call judged for a fault gets it: the n-th is faulty when ⌊n·f + 1 − f⌋
     * grows, so for 0 < f ≤ 1 the first is, and n calls hold ⌊n·f + 1 − f⌋ faulty ones (none for f
     * = 0). Below f = 0.5 no two calls in a row are faulty, which random draws could make.
     */
    private static boolean scheduled(AtomicLong judged, double fraction) {
        long n = judged.incrementAndGet();
        return Math.floor(n * fraction + 1 - fraction)
                > Math.floor((n - 1) * fraction + 1 - fraction);
    }

    private void handle(HttpExchange exchange) {
        try {
            String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request;
            try (InputStream in = exchange.getRequestBody()) {
                request = JSON.readTree(in.readAllBytes());
            }
            calls.computeIfAbsent(String.valueOf(operation), name -> new LongAdder()).increment();
            if (scheduled(judgedForSlow, slowFraction)) {
                slow.incrementAndGet();
                Thread.sleep(slowMillis);
            }
            if (scheduled(judgedForThrottle, throttleFraction)) {
                throttled.incrementAndGet();
                error(exchange, 400, "TooManyRequestsException", "Rate exceeded (injected)");
            } else if (scheduled(judgedForServerError, serverErrorFraction)) {
                serverErrors.incrementAndGet();
                error(exchange, 500, "InternalServerException", "Internal error (injected)");
            } else if (BATCH_DETECT_SENTIMENT.equals(operation)) {
                respond(exchange, 200, batchDetectSentiment(request));
            } else if (DETECT_SENTIMENT.equals(operation)) {
                ObjectNode answer = JSON.createObjectNode();
                String text = request.path("Text").asText();
                writeScore(answer, score(request.path("LanguageCode").asText(), text));
                respond(exchange, 200, answer);
            } else {
                error(
                        exchange,
                        400,
                        "InvalidRequestException",
                        "unsupported operation " + operation);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up (timed out) and closed the connection: nothing to answer.
        } finally {
            exchange.close();
        }
    }

    private ObjectNode batchDetectSentiment(JsonNode request) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode results = answer.putArray("ResultList");
        ArrayNode errors = answer.putArray("ErrorList");
        String language = request.path("LanguageCode").asText();
        JsonNode texts = request.path("TextList");
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i).asText();
            if (text.getBytes(StandardCharsets.UTF_8).length >= 5_000) {
                errors.addObject()
                        .put("Index", i)
                        .put("ErrorCode", "TEXT_SIZE_LIMIT_EXCEEDED")
                        .put("ErrorMessage", "text is 5000 bytes or more");
            } else if (draw() < documentErrorFraction) {
                documentErrors.incrementAndGet();
                errors.addObject()
                        .put("Index", i)
                        .put("ErrorCode", "INTERNAL_SERVER_ERROR")
                        .put("ErrorMessage", "injected");
            } else {
                ObjectNode result = results.addObject().put("Index", i);
                writeScore(result, score(language, text));
            }
        }
        return answer;
    }

    private SentimentScore score(String language, String text) {
        scoredTexts
                .computeIfAbsent(ReviewText.hash(language, text), h -> new LongAdder())
                .increment();
        return lexicon.score(text);
    }

    private static void writeScore(ObjectNode node, SentimentScore s) {
        node.put("Sentiment", s.label().name());
        node.putObject("SentimentScore")
                .put("Positive", s.positive())
                .put("Negative", s.negative())
                .put("Neutral", s.neutral())
                .put("Mixed", s.mixed());
    }

    private static void error(HttpExchange exchange, int status, String type, String message)
            throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        ObjectNode body = JSON.createObjectNode().put("__type", type).put("Message", message);
        respond(exchange, status, body);
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
