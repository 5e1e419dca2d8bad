package io.changeviews.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A byte-for-byte TCP relay in front of an HTTP endpoint that hands each request it carries (line,
 * headers, and the body of JSON requests) to a listener: it changes nothing, so signed requests
 * stay valid, whichever AWS SDK sent them.
 */
final class RecordingRelay {
    /** JSON bodies up to this size are kept for the listener; larger ones are only relayed. */
    private static final int MAX_KEPT_BODY = 32 << 20;

    private static final int MAX_HEAD = 64 << 10;

    private final ServerSocket server;
    private final URI upstream;
    private final Consumer<Request> listener;

    private RecordingRelay(ServerSocket server, URI upstream, Consumer<Request> listener) {
        this.server = server;
        this.upstream = upstream;
        this.listener = listener;
    }

    /**
     * Starts a relay on a free loopback port in front of {@code upstream} ({@code
     * http://host:port}); it lives as long as the JVM.
     */
    static RecordingRelay start(String upstream, Consumer<Request> listener) {
        try {
            ServerSocket server =
                    new ServerSocket(0, 50, InetAddress.getByName(LocalEnvironment.LOOPBACK));
            RecordingRelay relay = new RecordingRelay(server, URI.create(upstream), listener);
            daemon("recording-relay-accept", relay::accept).start();
            return relay;
        } catch (IOException e) {
            throw new IllegalStateException("Could not open the relay's port", e);
        }
    }

    String endpoint() {
        return "http://" + LocalEnvironment.LOOPBACK + ":" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue;
            }
            try {
                Socket target = new Socket(upstream.getHost(), upstream.getPort());
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                daemon("recording-relay-requests", () -> requests(client, target)).start();
                daemon("recording-relay-responses", () -> copy(target, client)).start();
            } catch (IOException e) {
                // The upstream is gone (its test ended): the client sees a closed connection.
                closeQuietly(client);
            }
        }
    }

    /** Relays the client's requests one after the other, noting each one. */
    private void requests(Socket client, Socket target) {
        try (InputStream in = client.getInputStream()) {
            OutputStream out = target.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    break;
                }
                out.write(head);
                Request request = Request.parse(head);
                ByteArrayOutputStream kept =
                        request.isJson() && request.contentLength() <= MAX_KEPT_BODY
                                ? new ByteArrayOutputStream()
                                : null;
                if (request.isChunked()) {
                    relayChunks(in, out, kept);
                } else {
                    relayBytes(in, out, Math.max(0, request.contentLength()), kept);
                }
                out.flush();
                listener.accept(kept == null ? request : request.withBody(kept.toByteArray()));
            }
        } catch (IOException e) {
            // A connection closed mid-request: the SDK sees the failure and retries on its own.
        } finally {
            halfClose(target);
        }
    }

    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16 << 10];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // Either side hung up; the other is closed below.
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    /** The request line and headers through the blank line, or null at a clean end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("stream ended inside a request head");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
        }
        return head.toByteArray();
    }

    private static void relayBytes(
            InputStream in, OutputStream out, long length, ByteArrayOutputStream kept)
            throws IOException {
        byte[] buffer = new byte[16 << 10];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("stream ended inside a request body");
            }
            out.write(buffer, 0, n);
            if (kept != null) {
                kept.write(buffer, 0, n);
            }
            left -= n;
        }
    }

    /** A chunked body: each size line, its chunk and CRLF, through the last chunk and trailers. */
    private static void relayChunks(InputStream in, OutputStream out, ByteArrayOutputStream kept)
            throws IOException {
        while (true) {
            String sizeLine = readLine(in, out);
            long size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in, out);
                } while (!trailer.isEmpty());
                return;
            }
            relayBytes(in, out, size, kept);
            readLine(in, out);
        }
    }

    private static String readLine(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("stream ended inside a chunked body");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        out.write(bytes);
        out.write('\n');
        return new String(bytes, StandardCharsets.US_ASCII).trim();
    }

    private static void halfClose(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One relayed HTTP request: method, target, headers (names in lower case), maybe its body. */
    static final class Request {
        final String method;
        final String target;
        final Map<String, String> headers;
        final byte[] body;

        private Request(String method, String target, Map<String, String> headers, byte[] body) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
        }

        static Request parse(byte[] head) {
            String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(
                            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            return new Request(requestLine[0], requestLine[1], headers, null);
        }

        Request withBody(byte[] body) {
            return new Request(method, target, headers, body);
        }

        long contentLength() {
            String length = headers.get("content-length");
            return length == null ? -1 : Long.parseLong(length);
        }

        boolean isChunked() {
            return "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        }

        boolean isJson() {
            String type = headers.getOrDefault("content-type", "");
            return type.contains("json");
        }
    }
}
