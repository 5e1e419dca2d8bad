package io.changeviews.local.benchmark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;

/**
 * Watches a run's checkpoint folder and keeps the newest completed checkpoint's full state size
 * (shared RocksDB files included), that of one operator of it, and how many records the source had
 * handed out when the checkpoint began (its folder appears when it is triggered): the state a live
 * job carries, which a finished job's last checkpoint no longer holds.
 */
final class CheckpointProbe implements AutoCloseable {
    private static final long POLL_MS = 50;

    private final Path folder;
    private final OperatorID operator;
    private final LongSupplier recordsRead;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Sample latest;

    /** One completed checkpoint. */
    static final class Sample {
        final long checkpointId;
        final long totalBytes;
        final long operatorBytes;
        final long recordsRead;

        /** {@link System#nanoTime()} when the checkpoint's folder was first seen. */
        final long triggerNanos;

        /** From the checkpoint's folder appearing to its metadata written, to a poll's accuracy. */
        final long durationMillis;

        Sample(
                long checkpointId,
                long totalBytes,
                long operatorBytes,
                long recordsRead,
                long triggerNanos,
                long durationMillis) {
            this.checkpointId = checkpointId;
            this.totalBytes = totalBytes;
            this.operatorBytes = operatorBytes;
            this.recordsRead = recordsRead;
            this.triggerNanos = triggerNanos;
            this.durationMillis = durationMillis;
        }
    }

    /**
     * @param operatorUid the operator whose share is kept apart, by its uid; null for none
     * @param recordsRead how many records the source has handed out so far
     */
    CheckpointProbe(Path folder, String operatorUid, LongSupplier recordsRead) {
        this.folder = folder;
        // Flink derives an operator's id from its uid with this hash, so that savepoints find it.
        this.operator =
                operatorUid == null
                        ? null
                        : new OperatorID(
                                Hashing.murmur3_128(0)
                                        .newHasher()
                                        .putString(operatorUid, StandardCharsets.UTF_8)
                                        .hash()
                                        .asBytes());
        this.recordsRead = recordsRead;
        this.thread = new Thread(this::watch, "checkpoint-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** The newest completed checkpoint seen, if any. */
    Optional<Sample> latest() {
        return Optional.ofNullable(latest);
    }

    private void watch() {
        Map<Long, Long> readAtTrigger = new HashMap<>();
        Map<Long, Long> nanosAtTrigger = new HashMap<>();
        while (!stopped) {
            long read = recordsRead.getAsLong();
            long now = System.nanoTime();
            for (Path chk : checkpoints()) {
                long id = checkpointId(chk);
                readAtTrigger.putIfAbsent(id, read);
                nanosAtTrigger.putIfAbsent(id, now);
                if (Files.exists(chk.resolve("_metadata"))
                        && (latest == null || id > latest.checkpointId)) {
                    latest = sample(chk, readAtTrigger.get(id), nanosAtTrigger.get(id), now);
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private List<Path> checkpoints() {
        try (Stream<Path> chks = Files.find(folder, 2, (p, a) -> isCheckpoint(p))) {
            return chks.collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            // A checkpoint folder removed while it is listed: the next poll sees the newer one.
            return List.of();
        }
    }

    private static boolean isCheckpoint(Path p) {
        return p.getFileName().toString().startsWith("chk-") && Files.isDirectory(p);
    }

    private static long checkpointId(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
    }

    private Sample sample(Path chk, long read, long triggerNanos, long doneNanos) {
        try (InputStream in = Files.newInputStream(chk.resolve("_metadata"))) {
            CheckpointMetadata metadata =
                    Checkpoints.loadCheckpointMetadata(
                            new DataInputStream(in), getClass().getClassLoader(), chk.toString());
            long total = 0;
            long operatorBytes = 0;
            for (OperatorState state : metadata.getOperatorStates()) {
                total += state.getStateSize();
                if (state.getOperatorID().equals(operator)) {
                    operatorBytes += state.getStateSize();
                }
            }
            return new Sample(
                    metadata.getCheckpointId(),
                    total,
                    operatorBytes,
                    read,
                    triggerNanos,
                    (doneNanos - triggerNanos) / 1_000_000);
        } catch (IOException e) {
            // Subsumed and deleted while read: keep the previous sample.
            return latest;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join();
    }
}
