package io.changeviews.job.materialize;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Like {@link WriteCoalescer}, but releases a key's newest row only once a checkpoint that contains
 * it has completed, so nothing is ever written that a restore could take back: after a failure,
 * the job restarts from a checkpoint whose rows are at least as new as anything already written,
 * and no key ever shows an older value again. At most one write per key per checkpoint; the price
 * is latency, which becomes the checkpoint interval.
 *
 * <p>At a checkpoint each changed key's pending row is sealed under that checkpoint's id (in keyed
 * state, so the snapshot holds it); when the checkpoint completes, each key's newest row sealed at
 * or before it is emitted. Rows sealed in a restored snapshot are emitted at the first completed
 * checkpoint after the restore. At the end of a bounded input everything left is emitted. As in
 * {@link WriteCoalescer}, a −U is a pending delete, and rows DynamoDB could not store become dead
 * letters.
 */
public final class CheckpointAlignedCoalescer extends AbstractStreamOperator<Row> implements OneInputStreamOperator<Row, Row> {
    private static final long serialVersionUID = 1L;

    private static final String SEALED = "sealed-writes";
    private static final String PENDING = "pending-write";
    /** Sealed rows restored from a snapshot belong to a checkpoint that has completed. */
    private static final long RESTORED = Long.MIN_VALUE;

    private final String view;
    private final RowItemConverter converter;
    private final TypeInformation<Row> rowType;
    private final OutputTag<DeadLetter> deadLetters;

    private transient ValueState<Row> pending;
    private transient MapState<Long, Row> sealed;
    private transient Set<Object> changedSinceCheckpoint;
    private transient NavigableMap<Long, Set<Object>> sealedKeys;
    private transient Counter writes;
    private transient Counter unwritable;

    public CheckpointAlignedCoalescer(String view, RowItemConverter converter, TypeInformation<Row> rowType,
            OutputTag<DeadLetter> deadLetters) {
        this.view = view;
        this.converter = converter;
        this.rowType = rowType;
        this.deadLetters = deadLetters;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pending = getPartitionedState(new ValueStateDescriptor<>(PENDING, rowType));
        sealed = getPartitionedState(new MapStateDescriptor<>(SEALED, Types.LONG, rowType));
        changedSinceCheckpoint = new HashSet<>();
        sealedKeys = new TreeMap<>();
        if (context.isRestored()) {
            try (Stream<Object> keys = getKeyedStateBackend().getKeys(SEALED, VoidNamespace.INSTANCE)) {
                Set<Object> restored = keys.collect(Collectors.toCollection(HashSet::new));
                if (!restored.isEmpty()) {
                    sealedKeys.put(RESTORED, restored);
                }
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        writes = JobMetricGroup.of(getMetricGroup()).counter("aggregateWrites");
        unwritable = JobMetricGroup.of(getMetricGroup()).counter("rowsWithoutKey");
    }

    @Override
    public void processElement(StreamRecord<Row> element) throws Exception {
        if (ViewKeySelector.NO_KEY.equals(getCurrentKey())) {
            unwritable.inc();
            output.collect(deadLetters, new StreamRecord<>(ViewKeySelector.unwritable(view, converter, element.getValue())));
            return;
        }
        pending.update(ViewKeySelector.asWrite(element.getValue()));
        changedSinceCheckpoint.add(getCurrentKey());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // Runs before the keyed state is snapshotted, so the sealed rows are part of this checkpoint.
        for (Object key : changedSinceCheckpoint) {
            setCurrentKey(key);
            sealed.put(context.getCheckpointId(), pending.value());
            pending.clear();
        }
        if (!changedSinceCheckpoint.isEmpty()) {
            sealedKeys.put(context.getCheckpointId(), changedSinceCheckpoint);
            changedSinceCheckpoint = new HashSet<>();
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Map<Long, Set<Object>> due = sealedKeys.headMap(checkpointId, true);
        Set<Object> keys = new HashSet<>();
        due.values().forEach(keys::addAll);
        due.clear();
        for (Object key : keys) {
            setCurrentKey(key);
            emitNewestSealed(checkpointId);
        }
    }

    @Override
    public void finish() throws Exception {
        Set<Object> keys = new HashSet<>(changedSinceCheckpoint);
        sealedKeys.values().forEach(keys::addAll);
        for (Object key : keys) {
            setCurrentKey(key);
            Row row = pending.value();
            if (row != null) {
                sealed.clear();
                pending.clear();
                emit(row);
            } else {
                emitNewestSealed(Long.MAX_VALUE);
            }
        }
        changedSinceCheckpoint.clear();
        sealedKeys.clear();
        super.finish();
    }

    /** Emits the current key's newest row sealed at or before {@code checkpointId} and forgets those rows. */
    private void emitNewestSealed(long checkpointId) throws Exception {
        long newest = Long.MIN_VALUE;
        Row row = null;
        List<Long> done = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Row>> it = sealed.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Row> e = it.next();
            if (e.getKey() <= checkpointId) {
                done.add(e.getKey());
                if (e.getKey() >= newest) {
                    newest = e.getKey();
                    row = e.getValue();
                }
            }
        }
        for (Long id : done) {
            sealed.remove(id);
        }
        if (row != null) {
            emit(row);
        }
    }

    private void emit(Row row) {
        output.collect(new StreamRecord<>(row));
        writes.inc();
    }
}
