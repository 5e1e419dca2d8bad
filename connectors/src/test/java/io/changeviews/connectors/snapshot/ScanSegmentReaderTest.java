package io.changeviews.connectors.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The scan reader against an in-memory table: every item once, stamped with its page's start minus
 * the margin; throttled pages retried; a checkpoint in the middle of a page resumes after the last
 * emitted item.
 */
class ScanSegmentReaderTest {
    private static final int SEGMENTS = 4;
    private static final long MARGIN_MS = 2_000;

    private static ScanOptions options(String table) {
        return new ScanOptions(table, SEGMENTS, 7, true, 1_000_000, MARGIN_MS);
    }

    @Test
    void readsEveryItemOnceStampedBeforeItsPageAndRetriesThrottledPages() throws Exception {
        FakeScanTable table = new FakeScanTable(100, 3);
        Driver driver = new Driver(new ScanSnapshotSource(options("T"), () -> table), segments());
        long before = System.currentTimeMillis();
        driver.runToEnd();
        long after = System.currentTimeMillis();

        assertThat(table.throttled.get()).isPositive();
        List<ChangeEvent> items = driver.items();
        assertThat(items).extracting(e -> e.keys().get("id").asString()).doesNotHaveDuplicates();
        assertThat(items).hasSize(100);
        assertThat(items)
                .allSatisfy(
                        e -> {
                            assertThat(e.snapshot()).isTrue();
                            assertThat(e.type()).isEqualTo(ChangeType.INSERT);
                            assertThat(e.tableName()).isEqualTo("T");
                            assertThat(e.sequenceNumber())
                                    .isEqualTo(ChangeEvent.SNAPSHOT_SEQUENCE_NUMBER);
                            assertThat(e.changeTimeMillis())
                                    .isBetween(before - MARGIN_MS, after - MARGIN_MS);
                            assertThat(e.newImage()).containsKeys("id", "n");
                        });
        Map<Integer, Long> done = driver.segmentsDone();
        assertThat(done).containsOnlyKeys(0, 1, 2, 3);
        for (int s = 0; s < SEGMENTS; s++) {
            int segment = s;
            assertThat(done.get(s))
                    .isEqualTo(
                            table.items.stream()
                                    .filter(i -> FakeScanTable.segmentOf(i, SEGMENTS) == segment)
                                    .count());
        }
    }

    @Test
    void aRestoreFromACheckpointInTheMiddleOfAPageReadsNothingTwiceAndSkipsNothing()
            throws Exception {
        FakeScanTable table = new FakeScanTable(60, 0);
        ScanSnapshotSource source = new ScanSnapshotSource(options("T"), () -> table);
        Driver first = new Driver(source, segments());
        first.runUntilItems(24);
        List<ScanSegmentSplit> checkpoint = first.reader.snapshotState(1L);
        assertThat(checkpoint).isNotEmpty();
        List<ChangeEvent> beforeCheckpoint = first.items();
        first.reader.close();

        Deque<ScanSegmentSplit> remaining = new ArrayDeque<>(checkpoint);
        remaining.addAll(first.unassigned);
        Driver second = new Driver(source, remaining);
        second.runToEnd();

        List<String> ids = new ArrayList<>();
        beforeCheckpoint.forEach(e -> ids.add(e.keys().get("id").asString()));
        second.items().forEach(e -> ids.add(e.keys().get("id").asString()));
        assertThat(ids).doesNotHaveDuplicates().hasSize(60);
        // A segment done just before the checkpoint may report again after the restore, with the
        // same count: done records are per segment, not additive.
        Map<Integer, Long> done = first.segmentsDone();
        done.putAll(second.segmentsDone());
        assertThat(done).containsOnlyKeys(0, 1, 2, 3);
        assertThat(done.values().stream().mapToLong(Long::longValue).sum())
                .as("items counted in the segments' state")
                .isEqualTo(60);
    }

    private static Deque<ScanSegmentSplit> segments() {
        return new ArrayDeque<>(ScanSplitEnumerator.allSegments(options("T")));
    }

    /** Runs a reader as the source operator would, handing it segments when it asks. */
    private static final class Driver {
        final SourceReader<SnapshotRecord, ScanSegmentSplit> reader;
        final Deque<ScanSegmentSplit> unassigned;
        final Collecting output = new Collecting();
        int requests;

        Driver(ScanSnapshotSource source, Deque<ScanSegmentSplit> splits) {
            this.unassigned = splits;
            this.reader = source.createReader(new Context());
            reader.start();
        }

        void serveRequests() {
            while (requests > 0) {
                requests--;
                ScanSegmentSplit next = unassigned.poll();
                if (next == null) {
                    reader.notifyNoMoreSplits();
                } else {
                    reader.addSplits(List.of(next));
                }
            }
        }

        void runToEnd() throws Exception {
            runUntilItems(Integer.MAX_VALUE);
        }

        void runUntilItems(int items) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (output.items.size() < items && System.nanoTime() < deadline) {
                serveRequests();
                InputStatus status = reader.pollNext(output);
                if (status == InputStatus.END_OF_INPUT) {
                    return;
                }
                if (status == InputStatus.NOTHING_AVAILABLE && requests == 0) {
                    reader.isAvailable().get(10, TimeUnit.SECONDS);
                }
            }
            assertThat(output.items.size())
                    .as("items before the deadline")
                    .isGreaterThanOrEqualTo(Math.min(items, 1));
        }

        List<ChangeEvent> items() {
            return new ArrayList<>(output.items);
        }

        Map<Integer, Long> segmentsDone() {
            return new HashMap<>(output.done);
        }

        private final class Context implements SourceReaderContext {
            @Override
            public SourceReaderMetricGroup metricGroup() {
                return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
            }

            @Override
            public Configuration getConfiguration() {
                return new Configuration();
            }

            @Override
            public String getLocalHostName() {
                return "localhost";
            }

            @Override
            public int getIndexOfSubtask() {
                return 0;
            }

            @Override
            public int currentParallelism() {
                return 1;
            }

            @Override
            public void sendSplitRequest() {
                requests++;
            }

            @Override
            public void sendSourceEventToCoordinator(SourceEvent event) {}

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        }
    }

    /** Keeps the items and, per segment, the count its done record reports. */
    private static final class Collecting implements ReaderOutput<SnapshotRecord> {
        final List<ChangeEvent> items = new ArrayList<>();
        final Map<Integer, Long> done = new HashMap<>();

        @Override
        public void collect(SnapshotRecord record) {
            if (record.isItem()) {
                items.add(record.item());
            } else {
                assertThat(done.put(record.segment(), record.itemsRead())).isNull();
            }
        }

        @Override
        public void collect(SnapshotRecord record, long timestamp) {
            collect(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<SnapshotRecord> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }
}
