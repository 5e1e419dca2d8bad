package io.changeviews.job.archive;

import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DecodeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Turns snapshot items into rows of the {@code snapshots} dataset, each with the start of its
 * table's snapshot: the time the job was built on the fresh start that began the snapshot. The
 * start is kept in (union) operator state, so a job restored from a checkpoint or savepoint, built
 * later, goes on writing the same snapshot, and only a fresh start (a new bootstrap) begins a new
 * one. Starts of tables that are no longer snapshotted are dropped on restore, so that snapshotting
 * such a table again later begins a new snapshot.
 */
final class SnapshotStarts extends RichFlatMapFunction<DecodeResult, Row>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final SnapshotRows rows;
    private final Set<String> snapshotTables;
    private final Instant builtAt;

    private transient ListState<Tuple2<String, Long>> state;
    private transient Map<String, Instant> starts;

    /**
     * @param snapshotTables the DynamoDB tables that are snapshotted on a fresh start
     * @param builtAt when the job was built: the start of snapshots that have none yet
     */
    SnapshotStarts(SnapshotRows rows, Set<String> snapshotTables, Instant builtAt) {
        this.rows = rows;
        this.snapshotTables = new TreeSet<>(snapshotTables);
        this.builtAt = builtAt;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "snapshot-starts", Types.TUPLE(Types.STRING, Types.LONG)));
        starts = new HashMap<>();
        for (Tuple2<String, Long> start : state.get()) {
            if (snapshotTables.contains(start.f0)) {
                starts.put(start.f0, Instant.ofEpochMilli(start.f1));
            }
        }
    }

    @Override
    public void flatMap(DecodeResult item, Collector<Row> out) {
        ChangeEvent e = item.event();
        out.collect(rows.toRow(e, starts.computeIfAbsent(e.tableName(), t -> builtAt)));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple2<String, Long>> entries = new ArrayList<>();
        starts.forEach((table, start) -> entries.add(Tuple2.of(table, start.toEpochMilli())));
        state.update(entries);
    }
}
