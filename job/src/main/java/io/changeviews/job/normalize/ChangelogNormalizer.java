package io.changeviews.job.normalize;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.job.common.JobMetricGroup;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;

/**
 * Turns one source item's deliveries into a clean changelog for SQL: +I for a new item, −U/+U for a
 * change (the −U is the row emitted before, from state, so NEW_IMAGE-only streams work) and −D for
 * a delete, ordered by change time with the sequence number breaking ties.
 *
 * <p>A change older than the applied one is stale: it does not touch the current state. A delivery
 * whose event id was already seen is a duplicate and is dropped; for the current state only the ids
 * seen at the applied change time matter (a duplicate of an older change is stale anyway), so those
 * are all an item keeps, unless a view reads the table's changes ({@code changesRead}): then every
 * change, stale ones too, goes to the changes side output, and every event id is kept for {@code
 * dedupeRetention} so that no change is counted twice there. After a REMOVE a tombstone keeps the
 * delete's version for {@code tombstoneRetention}, so that a late older change cannot resurrect the
 * item. Both are then cleared, so a deleted item leaves no state behind. All of an item is one
 * state entry ({@link ItemState}) with at most one cleanup timer pending, and none for a live item
 * whose table's changes no view reads.
 *
 * <p><b>Bundles.</b> Deliveries are held per item for at most {@code bundleLatency} or {@code
 * bundleSize} deliveries, and applied item by item when the bundle ends: one state read and write
 * per item per bundle, and one net change per item on the changelog (the row before the bundle
 * retracted, the row after it added), as Flink SQL's own mini-batch changelog normalization does.
 * Every delivery is still judged on its own, in arrival order, so the changes side output, the
 * counters and the state are those of one-by-one processing, and the net change carries the
 * timestamp of the last change applied. A bundle ends before a watermark is passed on (no row falls
 * behind it), before a checkpoint barrier (nothing held is in a checkpoint) and before an item's
 * cleanup timer acts on it.
 *
 * <p>A snapshot item (a table's bootstrap) is ordered like any change, at its snapshot time with
 * the lowest sequence number: a newer stream change replaces it, an older one is stale, a REMOVE
 * retracts it. But it is the item's state, not a change of it, so it is not in the changes side
 * output (windowed views over {@code <Table>_changes} count only what happened) and is never
 * counted late.
 */
public final class ChangelogNormalizer extends AbstractStreamOperator<Row>
        implements OneInputStreamOperator<ItemChange, Row>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    /** Cleanup timers are rounded up to this granularity so an item has few of them. */
    private static final long TIMER_GRANULARITY_MS = 1_000;

    private final SourceTableSpec table;
    private final OutputTag<Row> changes;
    private final long dedupeRetentionMs;
    private final long tombstoneRetentionMs;
    private final boolean retractTtlDeletes;
    private final boolean changesRead;
    private final long bundleLatencyMs;
    private final int bundleSize;

    private transient ValueState<ItemState> state;
    private transient InternalTimerService<VoidNamespace> timers;

    /** The held deliveries by item, in arrival order. */
    private transient LinkedHashMap<String, List<Held>> bundle;

    private transient int held;
    private transient boolean bundleTimerPending;
    private transient Counter applied;
    private transient Counter duplicates;
    private transient Counter stale;
    private transient Counter removesOfUnknownItems;
    private transient Counter ttlDeletesIgnored;
    private transient Counter late;

    public ChangelogNormalizer(
            SourceTableSpec table,
            OutputTag<Row> changes,
            Duration dedupeRetention,
            Duration tombstoneRetention,
            boolean retractTtlDeletes,
            boolean changesRead,
            Duration bundleLatency,
            int bundleSize) {
        this.table = table;
        this.changes = changes;
        this.dedupeRetentionMs = dedupeRetention.toMillis();
        this.tombstoneRetentionMs = tombstoneRetention.toMillis();
        this.retractTtlDeletes = retractTtlDeletes;
        this.changesRead = changesRead;
        this.bundleLatencyMs = bundleLatency.toMillis();
        this.bundleSize = bundleSize;
    }

    /** A delivery held in the bundle, with its record's timestamp. */
    private static final class Held {
        final ItemChange change;
        final long timestamp;
        final boolean hasTimestamp;

        Held(ItemChange change, long timestamp, boolean hasTimestamp) {
            this.change = change;
            this.timestamp = timestamp;
            this.hasTimestamp = hasTimestamp;
        }

        <T> StreamRecord<T> record(T value) {
            return hasTimestamp ? new StreamRecord<>(value, timestamp) : new StreamRecord<>(value);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        state =
                getPartitionedState(
                        new ValueStateDescriptor<>(
                                "item",
                                new ItemStateSerializer(
                                        getRuntimeContext()
                                                .createSerializer(
                                                        TableTypes.typeInfo(
                                                                TableTypes.image(table))))));
        // The name of KeyedProcessOperator's timers, which this operator's once were.
        timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        bundle = new LinkedHashMap<>();
        MetricGroup metrics = JobMetricGroup.of(getMetricGroup());
        applied = metrics.counter("changesApplied");
        duplicates = metrics.counter("duplicateChanges");
        stale = metrics.counter("staleChanges");
        removesOfUnknownItems = metrics.counter("removesOfUnknownItems");
        ttlDeletesIgnored = metrics.counter("ttlDeletesIgnored");
        late = metrics.counter("lateChanges");
    }

    @Override
    public void processElement(StreamRecord<ItemChange> record) throws Exception {
        // The records are not reused: the network input deserializes a fresh one each time.
        ItemChange change = record.getValue();
        bundle.computeIfAbsent(change.itemKey, k -> new ArrayList<>(4))
                .add(new Held(change, record.getTimestamp(), record.hasTimestamp()));
        held++;
        if (held >= bundleSize) {
            flushBundle();
        } else if (!bundleTimerPending) {
            bundleTimerPending = true;
            ProcessingTimeService clock = getProcessingTimeService();
            clock.registerTimer(
                    clock.getCurrentProcessingTime() + bundleLatencyMs,
                    t -> {
                        bundleTimerPending = false;
                        flushBundle();
                    });
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flushBundle();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flushBundle();
    }

    @Override
    public void finish() throws Exception {
        flushBundle();
        super.finish();
    }

    private void flushBundle() throws Exception {
        if (held == 0) {
            return;
        }
        LinkedHashMap<String, List<Held>> items = bundle;
        bundle = new LinkedHashMap<>();
        held = 0;
        for (Map.Entry<String, List<Held>> item : items.entrySet()) {
            setCurrentKey(item.getKey());
            applyHeld(item.getValue());
        }
    }

    /**
     * Applies the current item's held deliveries to its state in arrival order and emits the net
     * change of its row.
     */
    private void applyHeld(List<Held> deliveries) throws Exception {
        long now = timers.currentProcessingTime();
        ItemState item = state.value();
        if (item == null) {
            item = new ItemState();
        }
        Row before = item.image;
        long beforeTimeMicros = item.changeTimeMicros;
        // The net change carries the record timestamp (the change time) of the change it is.
        Held last = null;
        for (Held delivery : deliveries) {
            if (apply(item, delivery, now)) {
                last = delivery;
            }
        }
        if (last != null) {
            if (before != null && item.image != null) {
                output.collect(
                        last.record(stateRow(before, beforeTimeMicros, RowKind.UPDATE_BEFORE)));
                output.collect(
                        last.record(
                                stateRow(item.image, item.changeTimeMicros, RowKind.UPDATE_AFTER)));
            } else if (before != null) {
                output.collect(last.record(stateRow(before, beforeTimeMicros, RowKind.DELETE)));
            } else if (item.image != null) {
                output.collect(
                        last.record(stateRow(item.image, item.changeTimeMicros, RowKind.INSERT)));
            }
        }
        if (item.isEmpty()) {
            state.clear();
        } else {
            state.update(item);
        }
    }

    /** Judges one delivery against the item; true when it replaced the item's version. */
    private boolean apply(ItemState item, Held delivery, long now) {
        ItemChange change = delivery.change;
        Long eventId = change.eventId == null ? null : ItemState.fingerprint(change.eventId);
        if (eventId != null) {
            if (item.seenAtAppliedTime(change.changeTimeMicros, eventId)
                    || (changesRead && item.seenEventIds.containsKey(eventId))) {
                duplicates.inc();
                return false;
            }
            if (changesRead) {
                long expiry = roundUp(now + dedupeRetentionMs);
                item.seenEventIds.put(eventId, expiry);
                scheduleCleanup(item, expiry);
            }
        }
        if (!change.snapshot) {
            if (change.changeTimeMicros / 1000 < timers.currentWatermark()) {
                // Behind the watermark: window TVFs over the changes table will not count it.
                late.inc();
            }
            if (changesRead) {
                output.collect(changes, delivery.record(changeRow(change, item.image)));
            }
        }
        if (item.applied
                && compare(
                                change.changeTimeMicros,
                                change.sequenceNumber,
                                item.changeTimeMicros,
                                item.sequenceNumber)
                        <= 0) {
            item.noteDelivery(change.changeTimeMicros, eventId, false);
            stale.inc();
            return false;
        }
        if (change.type == ChangeType.REMOVE) {
            if (change.ttlDelete && !retractTtlDeletes) {
                ttlDeletesIgnored.inc();
                return false;
            }
            if (item.image == null) {
                removesOfUnknownItems.inc();
            }
            long expiry = roundUp(now + tombstoneRetentionMs);
            item.noteDelivery(change.changeTimeMicros, eventId, true);
            item.delete(change.changeTimeMicros, change.sequenceNumber, expiry);
            scheduleCleanup(item, expiry);
        } else {
            item.noteDelivery(change.changeTimeMicros, eventId, true);
            item.apply(change.changeTimeMicros, change.sequenceNumber, change.newRow);
        }
        applied.inc();
        return true;
    }

    /**
     * Keeps one cleanup timer per item, at the earliest time something of it is to be forgotten:
     * expiries only grow with processing time, so the pending timer is moved only when a tombstone
     * expires before the event ids do.
     */
    private void scheduleCleanup(ItemState item, long expiry) {
        if (item.cleanupAt != ItemState.NO_TIMER && item.cleanupAt <= expiry) {
            return;
        }
        if (item.cleanupAt != ItemState.NO_TIMER) {
            timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, item.cleanupAt);
        }
        timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, expiry);
        item.cleanupAt = expiry;
    }

    /** An item's cleanup: what it holds in the bundle is applied first, as it arrived before. */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        List<Held> deliveries = bundle.remove(timer.getKey());
        if (deliveries != null) {
            held -= deliveries.size();
            applyHeld(deliveries);
        }
        ItemState item = state.value();
        if (item == null) {
            return;
        }
        item.expire(timer.getTimestamp());
        if (item.isEmpty()) {
            state.clear();
            return;
        }
        item.cleanupAt = item.nextExpiry();
        if (item.cleanupAt != ItemState.NO_TIMER) {
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, item.cleanupAt);
        }
        state.update(item);
    }

    /** No event-time timers are registered. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

    /** Orders two changes of one item: change time first, then the source's sequence number. */
    static int compare(long timeA, String seqA, long timeB, String seqB) {
        int byTime = Long.compare(timeA, timeB);
        return byTime != 0 ? byTime : compareSequenceNumbers(seqA, seqB);
    }

    /**
     * Sequence numbers are decimal strings of up to 128 bits: compare them as numbers without
     * parsing.
     */
    static int compareSequenceNumbers(String a, String b) {
        if (a == null || b == null) {
            return 0;
        }
        String x = stripLeadingZeros(a);
        String y = stripLeadingZeros(b);
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }

    private static String stripLeadingZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }

    private static long roundUp(long t) {
        return (t / TIMER_GRANULARITY_MS + 1) * TIMER_GRANULARITY_MS;
    }

    /** The image with its change time after it: built field by field, once per emitted row. */
    private static Row stateRow(Row image, long changeTimeMicros, RowKind kind) {
        int columns = image.getArity();
        Row row = new Row(kind, columns + 1);
        for (int i = 0; i < columns; i++) {
            row.setField(i, image.getField(i));
        }
        row.setField(columns, Instant.ofEpochMilli(Math.floorDiv(changeTimeMicros, 1000L)));
        return row;
    }

    /**
     * The change as a row of the changes table: the new image, else the old one, else the last
     * applied one.
     */
    private Row changeRow(ItemChange change, Row before) {
        Row image =
                change.newRow != null
                        ? change.newRow
                        : change.oldRow != null ? change.oldRow : before;
        Row columns = image != null ? image : new Row(table.columns().size());
        return Row.join(
                columns,
                Row.of(
                        change.type.name(),
                        Instant.ofEpochMilli(Math.floorDiv(change.changeTimeMicros, 1000L))));
    }
}
