package io.changeviews.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the emulator launchers share about the process each runs in: waiting until it listens, and
 * stopping it with its children.
 */
final class ChildProcess {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private ChildProcess() {}

    /** The {@code java} of this JVM's own runtime, for a child JVM. */
    static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Returns once {@code process} accepts connections on {@code host:port}; fails with {@code
     * diagnostics} (e.g. its log's tail) if it exits first or does not listen within {@code
     * timeout}.
     */
    static void awaitPort(
            Process process,
            String name,
            String host,
            int port,
            Duration timeout,
            Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + ":\n" + diagnostics.get());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) POLL.toMillis());
                return;
            } catch (IOException notYet) {
                pause(name);
            }
        }
        throw new IllegalStateException(
                name
                        + " did not open port "
                        + port
                        + " within "
                        + timeout
                        + ":\n"
                        + diagnostics.get());
    }

    /** Stops {@code process} and its descendants, forcibly if they do not stop in time. */
    static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits one poll interval before the next look. */
    static void pause(String name) {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name, e);
        }
    }
}
