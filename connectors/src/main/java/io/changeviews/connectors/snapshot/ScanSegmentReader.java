package io.changeviews.connectors.snapshot;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

/**
 * Reads the Scan segments the enumerator assigns, one after the other, asking for the next one when
 * a segment ends; its checkpointed state is each held segment's last emitted key.
 */
final class ScanSegmentReader
        extends SingleThreadMultiplexSourceReaderBase<
                ScannedItem, SnapshotRecord, ScanSegmentSplit, ScanSegmentProgress> {

    ScanSegmentReader(
            Supplier<SplitReader<ScannedItem, ScanSegmentSplit>> fetchers,
            ScanRecordEmitter emitter,
            SourceReaderContext context) {
        super(fetchers, emitter, new Configuration(), context);
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, ScanSegmentProgress> finished) {
        context.sendSplitRequest();
    }

    @Override
    protected ScanSegmentProgress initializedState(ScanSegmentSplit split) {
        return new ScanSegmentProgress(split);
    }

    @Override
    protected ScanSegmentSplit toSplitType(String splitId, ScanSegmentProgress state) {
        return state.toSplit();
    }
}
