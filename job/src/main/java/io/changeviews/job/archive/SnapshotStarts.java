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
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.co.RichCoFlatMapFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Turns snapshot items into rows of the {@code snapshots} dataset, each with the start of its
 * table's snapshot: the time the job was built on the fresh start that began the snapshot. The
 * start is kept in (union) operator state, so a job restored from a checkpoint or savepoint, built
 * later, goes on writing the same snapshot, and only a fresh start (a new bootstrap) begins a new
 * one. Starts of tables that are no longer snapshotted are dropped on restore, so that snapshotting
 * such a table again later begins a new snapshot.
 *
 * <p>Its second input never ends and carries nothing ({@link #neverEnding}): the snapshot's items
 * end one subtask at a time, and Flink refuses every checkpoint while an operator with union state
 * is finished on some subtasks only, so from the first segment done to the last no checkpoint
 * completed (and the job failed over on the failed checkpoints).
 */
final class SnapshotStarts extends RichCoFlatMapFunction<DecodeResult, DecodeResult, Row>
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

    /** The change records with none let through: an input that ends only with the job. */
    static DataStream<DecodeResult> neverEnding(DataStream<DecodeResult> records) {
        return records.filter(new NoRecords())
                .uid("archive-snapshots-keep-running")
                .name("Keep snapshot starts running");
    }

    @Override
    public void flatMap1(DecodeResult item, Collector<Row> out) {
        ChangeEvent e = item.event();
        out.collect(rows.toRow(e, starts.computeIfAbsent(e.tableName(), t -> builtAt)));
    }

    @Override
    public void flatMap2(DecodeResult none, Collector<Row> out) {}

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple2<String, Long>> entries = new ArrayList<>();
        starts.forEach((table, start) -> entries.add(Tuple2.of(table, start.toEpochMilli())));
        state.update(entries);
    }

    /** Lets no record through. */
    private static final class NoRecords implements FilterFunction<DecodeResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(DecodeResult record) {
            return false;
        }
    }
}
