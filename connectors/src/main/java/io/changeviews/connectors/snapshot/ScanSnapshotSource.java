package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.aws.AsyncClientProvider;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A bounded snapshot of one DynamoDB table by parallel Scan: each split is a Scan segment, read
 * page by page within the read-capacity budget; every item becomes a {@link
 * io.changeviews.connectors.change.ChangeEvent#snapshot() snapshot} change of its item, and each
 * segment's end a done record. On a restore, segments resume after their last emitted item and
 * finished segments stay finished.
 *
 * <p>Metrics, in the {@code kinesisanalytics} group of each reader: {@code snapshotItemsScanned}
 * (items emitted by this attempt) and {@code snapshotCapacityUnits} (read capacity consumed).
 */
public final class ScanSnapshotSource
        implements Source<SnapshotRecord, ScanSegmentSplit, ScanEnumeratorState>,
                ResultTypeQueryable<SnapshotRecord> {
    private static final long serialVersionUID = 1L;

    private final ScanOptions options;
    private final AsyncClientProvider<DynamoDbAsyncClient> clients;

    public ScanSnapshotSource(
            ScanOptions options, AsyncClientProvider<DynamoDbAsyncClient> clients) {
        this.options = options;
        this.clients = clients;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<SnapshotRecord, ScanSegmentSplit> createReader(
            SourceReaderContext context) {
        MetricGroup metrics = context.metricGroup().addGroup("kinesisanalytics");
        DoubleAdder units = new DoubleAdder();
        metrics.gauge("snapshotCapacityUnits", units::sum);
        ScanRecordEmitter emitter =
                new ScanRecordEmitter(
                        options.clockMarginMillis(), metrics.counter("snapshotItemsScanned"));
        double share = options.readCapacityPerSecond() / Math.max(1, context.currentParallelism());
        return new ScanSegmentReader(
                () ->
                        new ScanPageFetcher(
                                options, clients, new ReadCapacityPacer(share), units::add),
                emitter,
                context);
    }

    @Override
    public SplitEnumerator<ScanSegmentSplit, ScanEnumeratorState> createEnumerator(
            SplitEnumeratorContext<ScanSegmentSplit> context) {
        return new ScanSplitEnumerator(context, ScanSplitEnumerator.allSegments(options));
    }

    @Override
    public SplitEnumerator<ScanSegmentSplit, ScanEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<ScanSegmentSplit> context, ScanEnumeratorState checkpoint) {
        return new ScanSplitEnumerator(context, checkpoint.unassigned());
    }

    @Override
    public SimpleVersionedSerializer<ScanSegmentSplit> getSplitSerializer() {
        return new ScanSegmentSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<ScanEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new ScanEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<SnapshotRecord> getProducedType() {
        return TypeInformation.of(SnapshotRecord.class);
    }
}
