package io.changeviews.job.bootstrap;

import io.changeviews.connectors.snapshot.SnapshotRecord;
import io.changeviews.job.common.JobMetricGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Follows every snapshot's segments (parallelism 1) and emits a table's name once all its segments
 * are done, for the writers that wait for it. A segment reported twice (done just before a
 * checkpoint that still held it, then again after a restore) counts once.
 *
 * <p>Metrics in the {@code kinesisanalytics} group: {@code snapshotSegmentsDone}, {@code
 * snapshotSegmentsTotal}, {@code snapshotItemsRead} (the items of the finished segments, counted in
 * the readers' checkpointed state, so exact across restores) and {@code snapshotDone} (1 once every
 * table is done).
 */
public final class SnapshotProgress extends ProcessFunction<SnapshotRecord, String>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final Map<String, Integer> segmentsPerTable;

    private transient ListState<SnapshotRecord> doneState;
    private transient Map<String, SnapshotRecord> done;
    private transient Set<String> tablesDone;

    /**
     * @param segmentsPerTable each snapshotted table's TotalSegments
     */
    public SnapshotProgress(Map<String, Integer> segmentsPerTable) {
        this.segmentsPerTable = new TreeMap<>(segmentsPerTable);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        doneState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "segments-done", TypeInformation.of(SnapshotRecord.class)));
        done = new TreeMap<>();
        tablesDone = new HashSet<>();
        for (SnapshotRecord r : doneState.get()) {
            done.put(segmentId(r), r);
        }
        segmentsPerTable.keySet().forEach(this::checkTable);
    }

    @Override
    public void open(Configuration parameters) {
        MetricGroup metrics = JobMetricGroup.of(getRuntimeContext().getMetricGroup());
        metrics.gauge("snapshotSegmentsDone", () -> done.size());
        metrics.gauge(
                "snapshotSegmentsTotal",
                () -> segmentsPerTable.values().stream().mapToInt(Integer::intValue).sum());
        metrics.gauge(
                "snapshotItemsRead",
                () -> done.values().stream().mapToLong(SnapshotRecord::itemsRead).sum());
        metrics.gauge("snapshotDone", () -> tablesDone.size() == segmentsPerTable.size() ? 1 : 0);
    }

    @Override
    public void processElement(SnapshotRecord segment, Context ctx, Collector<String> out) {
        if (done.putIfAbsent(segmentId(segment), segment) == null && checkTable(segment.table())) {
            out.collect(segment.table());
        }
    }

    /** Marks the table done if all its segments are; true if it just became so. */
    private boolean checkTable(String table) {
        long count = done.values().stream().filter(r -> r.table().equals(table)).count();
        return count == segmentsPerTable.get(table) && tablesDone.add(table);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        doneState.update(new ArrayList<>(done.values()));
    }

    private static String segmentId(SnapshotRecord r) {
        return r.table() + "/" + r.segment();
    }
}
