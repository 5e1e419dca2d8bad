package io.changeviews.job.materialize;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.sink.RowItemConverter;
import io.changeviews.job.common.JobMetricGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

/**
 * Keeps only the newest change of each target key and emits it once per flush interval, so DynamoDB
 * sees at most one write per changed key per interval, however many events changed it.
 *
 * <p>SQL's rows come as an upsert changelog, so a −U is there only where the plan needs it: a view
 * with a filter after its aggregate (HAVING, WHERE) retracts rows with no +U, and those must
 * disappear from the table. A −U is therefore a pending delete of its key, which a later +U of the
 * interval replaces. Rows DynamoDB could not store become dead letters. At the end of a bounded
 * input the final watermark flushes what is pending.
 *
 * <p>The pending rows are on the heap, one map per operator instance flushed by one timer at the
 * end of each interval, and every checkpoint barrier flushes them first, as SQL's mini-batch
 * operators do: once the gate is open nothing pending is in a checkpoint, so a restore cannot lose
 * or repeat a write, and a key is written at most once per interval plus once per checkpoint. Rows
 * restored as held (from a checkpoint taken before the gate opened, in a job whose gate is open by
 * then) are written before any newer row of the open path. Per view row that is a map update, where
 * keyed state cost a state read and write and a timer per key.
 *
 * <p><b>Held during a bootstrap.</b> With tables to snapshot ({@code awaitedSnapshots}), the
 * operator has a second, broadcast input on which each table's name arrives once its snapshot's
 * last segment is done. Until then writes stay pending (still coalesced per key), so no view is
 * written half counted. The gate opens at the first checkpoint barrier after the last name arrived,
 * in {@link #prepareSnapshotPreBarrier}, and every pending key is written then: the names come
 * after each segment's last item in the snapshot readers' output, so with aligned checkpoints every
 * item is before that barrier in every channel, and everything derived from them (SQL's
 * mini-batches flush before a barrier too) has reached this operator. Each key's first write is
 * therefore its value over the whole snapshot plus the stream so far. Held writes can wait across
 * checkpoints, so until the gate opens the pending row is keyed state (it survives a restore). The
 * names seen are operator state (union, so a rescaled job keeps them); a restore from a checkpoint
 * taken after the gate opened starts open, an earlier one waits again.
 */
public final class WriteCoalescer extends AbstractStreamOperator<Row>
        implements OneInputStreamOperator<Row, Row>,
                TwoInputStreamOperator<Row, String, Row>,
                Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    private static final String PENDING = "pending-write";

    private final String view;
    private final RowItemConverter converter;
    private final TypeInformation<Row> rowType;
    private final long flushIntervalMs;
    private final OutputTag<DeadLetter> deadLetters;
    private final Set<String> awaitedSnapshots;

    /** The rows held while the gate is closed, by key. */
    private transient ValueState<Row> pending;

    /** The rows pending once the gate is open, by key. */
    private transient LinkedHashMap<String, Row> due;

    private transient boolean flushScheduled;

    /** Restored state may hold rows: written before the first row of the open path. */
    private transient boolean heldMayRemain;

    private transient ListState<String> snapshotsDoneState;
    private transient Set<String> snapshotsDone;
    private transient boolean open;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Counter writes;
    private transient Counter coalesced;
    private transient Counter unwritable;

    /**
     * @param awaitedSnapshots the tables whose snapshots must be done before the first write; empty
     *     when nothing is bootstrapped (the operator then has one input)
     */
    public WriteCoalescer(
            String view,
            RowItemConverter converter,
            TypeInformation<Row> rowType,
            Duration flushInterval,
            OutputTag<DeadLetter> deadLetters,
            Set<String> awaitedSnapshots) {
        this.view = view;
        this.converter = converter;
        this.rowType = rowType;
        this.flushIntervalMs = flushInterval.toMillis();
        this.deadLetters = deadLetters;
        this.awaitedSnapshots = new HashSet<>(awaitedSnapshots);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        snapshotsDoneState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("snapshots-done", Types.STRING));
        snapshotsDone = new HashSet<>();
        snapshotsDoneState.get().forEach(snapshotsDone::add);
        open = snapshotsDone.containsAll(awaitedSnapshots);
        heldMayRemain = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = getPartitionedState(new ValueStateDescriptor<>(PENDING, rowType));
        due = new LinkedHashMap<>();
        // The names of KeyedProcessOperator's: savepoints of earlier versions restore.
        timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        writes = JobMetricGroup.of(getMetricGroup()).counter("aggregateWrites");
        coalesced = JobMetricGroup.of(getMetricGroup()).counter("coalescedChanges");
        unwritable = JobMetricGroup.of(getMetricGroup()).counter("rowsWithoutKey");
        JobMetricGroup.of(getMetricGroup()).gauge("viewWritesHeld", () -> open ? 0 : 1);
    }

    @Override
    public void processElement(StreamRecord<Row> record) throws Exception {
        Row row = record.getValue();
        if (getCurrentKey().equals(ViewKeySelector.NO_KEY)) {
            unwritable.inc();
            output.collect(
                    deadLetters,
                    new StreamRecord<>(ViewKeySelector.unwritable(view, converter, row)));
            return;
        }
        if (open) {
            writeRestoredHeld();
            if (due.put((String) getCurrentKey(), ViewKeySelector.asWrite(row)) != null) {
                coalesced.inc();
            } else if (!flushScheduled) {
                flushScheduled = true;
                getProcessingTimeService()
                        .registerTimer(
                                nextFlush(getProcessingTimeService().getCurrentProcessingTime()),
                                t -> {
                                    flushScheduled = false;
                                    flushDue();
                                });
            }
            return;
        }
        if (pending.value() == null) {
            timers.registerProcessingTimeTimer(
                    VoidNamespace.INSTANCE, nextFlush(timers.currentProcessingTime()));
        } else {
            coalesced.inc();
        }
        pending.update(ViewKeySelector.asWrite(row));
    }

    @Override
    public void processElement1(StreamRecord<Row> record) throws Exception {
        processElement(record);
    }

    /** A table whose snapshot is done. */
    @Override
    public void processElement2(StreamRecord<String> table) {
        snapshotsDone.add(table.getValue());
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (!open && snapshotsDone.containsAll(awaitedSnapshots)) {
            open = true;
            flushAll();
        }
        flushDue();
    }

    /**
     * The final watermark: every input has ended, so nothing can be half counted any more. One scan
     * of the held keys here instead of an event-time timer per key, which would cost a timer write
     * and delete per flushed key.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            flushAll();
            flushDue();
        }
        super.processWatermark(mark);
    }

    private void flushAll() throws Exception {
        List<String> keys;
        try (Stream<String> held =
                this.<String>getKeyedStateBackend().getKeys(PENDING, VoidNamespace.INSTANCE)) {
            keys = held.collect(Collectors.toCollection(ArrayList::new));
        }
        for (String key : keys) {
            setCurrentKey(key);
            flush();
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        snapshotsDoneState.update(new ArrayList<>(snapshotsDone));
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        if (open) {
            flush();
        }
    }

    /** No event-time timers are registered; restored ones of earlier versions find nothing. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        flush();
    }

    /**
     * The end of the flush interval that {@code now} is in, on the clock's whole intervals: a key
     * is still written at most once per interval, but its first change waits half an interval on
     * average instead of a whole one (the change-to-aggregate latency), and the keys of an interval
     * leave together, filling the writers' batches.
     */
    private long nextFlush(long now) {
        return (Math.floorDiv(now, flushIntervalMs) + 1) * flushIntervalMs;
    }

    /**
     * Writes the held rows a restore brought while the gate is open, once: their keyed timers would
     * write them too, but perhaps after a newer row of the open path.
     */
    private void writeRestoredHeld() throws Exception {
        if (open && heldMayRemain) {
            heldMayRemain = false;
            flushAll();
        }
    }

    private void flushDue() throws Exception {
        writeRestoredHeld();
        for (Row row : due.values()) {
            output.collect(new StreamRecord<>(row));
        }
        writes.inc(due.size());
        due.clear();
    }

    private void flush() throws Exception {
        Row row = pending.value();
        if (row == null) {
            return;
        }
        output.collect(new StreamRecord<>(row));
        writes.inc();
        pending.clear();
    }
}
