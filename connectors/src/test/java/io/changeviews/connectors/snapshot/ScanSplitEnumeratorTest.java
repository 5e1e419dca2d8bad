package io.changeviews.connectors.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.ddb.DdbValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

class ScanSplitEnumeratorTest {
    private static final ScanOptions OPTIONS = new ScanOptions("T", 3, 100, true, 10, 1000);

    @Test
    void handsOutOneSegmentPerRequestThenNoMore() throws Exception {
        try (MockSplitEnumeratorContext<ScanSegmentSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            context.registerReader(new ReaderInfo(0, "h"));
            context.registerReader(new ReaderInfo(1, "h"));
            ScanSplitEnumerator enumerator =
                    new ScanSplitEnumerator(context, ScanSplitEnumerator.allSegments(OPTIONS));
            enumerator.handleSplitRequest(0, "h");
            enumerator.handleSplitRequest(1, "h");
            enumerator.handleSplitRequest(0, "h");
            enumerator.handleSplitRequest(1, "h");
            assertThat(assigned(context))
                    .extracting(ScanSegmentSplit::splitId)
                    .containsExactly("T/0-of-3", "T/1-of-3", "T/2-of-3");
            assertThat(context.hasNoMoreSplits(1)).isTrue();
            assertThat(context.hasNoMoreSplits(0)).isFalse();
            assertThat(enumerator.snapshotState(1).unassigned()).isEmpty();
        }
    }

    @Test
    void segmentsOfAFailedReaderComeBackWithTheirProgress() throws Exception {
        try (MockSplitEnumeratorContext<ScanSegmentSplit> context =
                new MockSplitEnumeratorContext<>(1)) {
            context.registerReader(new ReaderInfo(0, "h"));
            ScanSplitEnumerator enumerator = new ScanSplitEnumerator(context, List.of());
            ScanSegmentSplit half =
                    new ScanSegmentSplit("T", 1, 3, Map.of("id", DdbValue.s("x")), 12);
            enumerator.addSplitsBack(List.of(half), 0);
            assertThat(enumerator.snapshotState(2).unassigned()).containsExactly(half);
            enumerator.handleSplitRequest(0, "h");
            assertThat(assigned(context)).containsExactly(half);
        }
    }

    private static List<ScanSegmentSplit> assigned(MockSplitEnumeratorContext<ScanSegmentSplit> c) {
        List<ScanSegmentSplit> out = new ArrayList<>();
        for (SplitsAssignment<ScanSegmentSplit> a : c.getSplitsAssignmentSequence()) {
            a.assignment().values().forEach(out::addAll);
        }
        return out;
    }
}
