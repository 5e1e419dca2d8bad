package io.changeviews.connectors.snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands out Scan segments one at a time to the reader that asks for one, so a reader with small
 * segments takes more of them; segments a failed reader held come back with their progress.
 */
final class ScanSplitEnumerator implements SplitEnumerator<ScanSegmentSplit, ScanEnumeratorState> {
    private final SplitEnumeratorContext<ScanSegmentSplit> context;
    private final Deque<ScanSegmentSplit> unassigned;

    ScanSplitEnumerator(
            SplitEnumeratorContext<ScanSegmentSplit> context, List<ScanSegmentSplit> unassigned) {
        this.context = context;
        this.unassigned = new ArrayDeque<>(unassigned);
    }

    /** Every segment of the table, none read yet. */
    static List<ScanSegmentSplit> allSegments(ScanOptions options) {
        List<ScanSegmentSplit> splits = new ArrayList<>();
        for (int s = 0; s < options.totalSegments(); s++) {
            splits.add(new ScanSegmentSplit(options.table(), s, options.totalSegments(), null, 0));
        }
        return splits;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtask, String requesterHostname) {
        ScanSegmentSplit next = unassigned.poll();
        if (next == null) {
            context.signalNoMoreSplits(subtask);
        } else {
            context.assignSplit(next, subtask);
        }
    }

    @Override
    public void addSplitsBack(List<ScanSegmentSplit> splits, int subtask) {
        splits.forEach(unassigned::addFirst);
    }

    @Override
    public void addReader(int subtask) {
        // Readers ask for segments when they have none.
    }

    @Override
    public ScanEnumeratorState snapshotState(long checkpointId) {
        return new ScanEnumeratorState(new ArrayList<>(unassigned));
    }

    @Override
    public void close() {}
}
