package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.changeviews.job.ops.RepoPaths;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run, started as a user starts it (the runner in a JVM of its own, with the Kinesis
 * emulator under it), listens on the loopback address only: every listening socket of its processes
 * is bound there, and a connection to any of its ports through the machine's other address is
 * refused.
 */
class LoopbackOnlyITCase {
    private static final String READY = "Flink Web UI";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void everyPortOfTheLocalRunIsOnTheLoopbackAddressOnly(@TempDir Path localDir) throws Exception {
        Optional<InetAddress> outside = nonLoopbackAddress();
        int dynamoDbPort = LocalEnvironment.freePort();
        int kinesisPort = LocalEnvironment.freePort();
        int webPort = LocalEnvironment.freePort();
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.java());
        // Flink's --add-opens, as the test JVM got them.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(command::add);
        command.add("-Dlog4j.configurationFile=flink-conf/log4j2-local.properties");
        command.add("-Dchangeviews.log.file=local/target/loopback-only-run.log");
        // Its checkpoints and archive in a folder of its own; the installed emulator reused.
        command.add("-D" + RepoPaths.LOCAL_DIR_PROPERTY + "=" + localDir);
        command.add("-D" + KinesisMock.DIR_PROPERTY + "=" + KinesisMock.cacheDir());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LocalRunner.class.getName());
        command.addAll(
                List.of(
                        "--orders",
                        "0",
                        "--seed-items",
                        "10",
                        "--dynamodb-port",
                        String.valueOf(dynamoDbPort),
                        "--kinesis-port",
                        String.valueOf(kinesisPort),
                        "--web-port",
                        String.valueOf(webPort)));
        Process runner =
                new ProcessBuilder(command)
                        .directory(RepoPaths.root().toFile())
                        .redirectErrorStream(true)
                        .start();
        try {
            awaitLine(runner, READY);
            List<InetSocketAddress> listening = listeningSockets(runner.toHandle());
            assertThat(listening)
                    .as("DynamoDB Local, kinesis-mock (plain and TLS), Flink's REST and blob ports")
                    .hasSizeGreaterThanOrEqualTo(5)
                    .extracting(InetSocketAddress::getPort)
                    .contains(dynamoDbPort, kinesisPort, webPort);
            assertThat(listening)
                    .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
            assumeTrue(outside.isPresent(), "this machine has no address but the loopback one");
            for (InetSocketAddress socket : listening) {
                assertThatThrownBy(
                                () -> {
                                    try (Socket s = new Socket()) {
                                        s.connect(
                                                new InetSocketAddress(
                                                        outside.get(), socket.getPort()),
                                                2_000);
                                    }
                                })
                        .as("port %d through %s", socket.getPort(), outside.get())
                        .isInstanceOf(ConnectException.class);
            }
        } finally {
            ChildProcess.stop(runner);
        }
    }

    /**
     * Waits until the runner prints a line with {@code marker}, at most {@link #START_TIMEOUT};
     * fails if it ends first. Its output is read (and then drained, so that it never blocks on a
     * full pipe) by a thread of its own.
     */
    private static void awaitLine(Process process, String marker) throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader out =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                for (String line = out.readLine();
                                        line != null;
                                        line = out.readLine()) {
                                    if (line.contains(marker)) {
                                        ready.complete(null);
                                    } else if (!ready.isDone()) {
                                        seen.add(line);
                                    }
                                }
                            } catch (IOException e) {
                                // The runner stopped.
                            }
                            ready.completeExceptionally(
                                    new AssertionError(
                                            "The local run ended before it was ready:\n" + seen));
                        },
                        "local-run-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("Not ready within " + START_TIMEOUT + ":\n" + seen, e);
        } catch (ExecutionException e) {
            throw (AssertionError) e.getCause();
        }
    }

    /** The TCP sockets listening in the process and its descendants, from /proc. */
    private static List<InetSocketAddress> listeningSockets(ProcessHandle process)
            throws IOException {
        Set<String> inodes = new HashSet<>();
        List<ProcessHandle> tree =
                Stream.concat(Stream.of(process), process.descendants())
                        .collect(Collectors.toList());
        for (ProcessHandle p : tree) {
            try (Stream<Path> fds = Files.list(Paths.get("/proc", p.pid() + "", "fd"))) {
                fds.forEach(
                        fd -> {
                            try {
                                String target = Files.readSymbolicLink(fd).toString();
                                if (target.startsWith("socket:[")) {
                                    inodes.add(target.substring(8, target.length() - 1));
                                }
                            } catch (IOException e) {
                                // Closed meanwhile.
                            }
                        });
            } catch (NoSuchFileException e) {
                // The process ended meanwhile.
            }
        }
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Paths.get(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address:port in hex, f[3] state (0A: LISTEN), f[9] inode
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    listening.add(
                            new InetSocketAddress(
                                    address(local[0]), Integer.parseInt(local[1], 16)));
                }
            }
        }
        return listening;
    }

    /** An address of /proc/net/tcp{,6}: each 32-bit word in the host's byte order. */
    private static InetAddress address(String hex) {
        boolean littleEndian = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + (littleEndian ? 3 - b : b)) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An IPv4 address of this machine that is not a loopback or link-local one. */
    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }
}
