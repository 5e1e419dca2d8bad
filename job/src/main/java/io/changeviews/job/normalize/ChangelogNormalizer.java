package io.changeviews.job.normalize;

import io.changeviews.connectors.change.ChangeType;
import io.changeviews.job.common.JobMetricGroup;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns one source item's deliveries into a clean changelog for SQL: +I for a new item, −U/+U for a
 * change (the −U is the row emitted before, from state, so NEW_IMAGE-only streams work) and −D for
 * a delete, ordered by change time with the sequence number breaking ties.
 *
 * <p>Deliveries whose event id was already seen are duplicates and are dropped. A change older than
 * the applied one is stale: it does not touch the current state, but it is still a real change, so
 * it is emitted to the changes side output. After a REMOVE a tombstone keeps the delete's version
 * for {@code tombstoneRetention}, so that a late older change cannot resurrect the item; seen event
 * ids are kept for {@code dedupeRetention}. Both are then cleared, so a deleted item leaves no
 * state behind. All of an item is one state entry ({@link ItemState}) with at most one cleanup
 * timer pending, so a change costs one state read and write.
 *
 * <p>A snapshot item (a table's bootstrap) is ordered like any change, at its snapshot time with
 * the lowest sequence number: a newer stream change replaces it, an older one is stale, a REMOVE
 * retracts it. But it is the item's state, not a change of it, so it is not in the changes side
 * output (windowed views over {@code <Table>_changes} count only what happened) and is never
 * counted late.
 */
public final class ChangelogNormalizer extends KeyedProcessFunction<String, ItemChange, Row> {
    private static final long serialVersionUID = 1L;

    /** Cleanup timers are rounded up to this granularity so an item has few of them. */
    private static final long TIMER_GRANULARITY_MS = 1_000;

    private final SourceTableSpec table;
    private final OutputTag<Row> changes;
    private final long dedupeRetentionMs;
    private final long tombstoneRetentionMs;
    private final boolean retractTtlDeletes;

    private transient ValueState<ItemState> state;
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
            boolean retractTtlDeletes) {
        this.table = table;
        this.changes = changes;
        this.dedupeRetentionMs = dedupeRetention.toMillis();
        this.tombstoneRetentionMs = tombstoneRetention.toMillis();
        this.retractTtlDeletes = retractTtlDeletes;
    }

    @Override
    public void open(Configuration parameters) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "item",
                                        new ItemStateSerializer(
                                                getRuntimeContext()
                                                        .createSerializer(
                                                                TableTypes.typeInfo(
                                                                        TableTypes.image(
                                                                                table))))));
        applied = JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("changesApplied");
        duplicates =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("duplicateChanges");
        stale = JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("staleChanges");
        removesOfUnknownItems =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup())
                        .counter("removesOfUnknownItems");
        ttlDeletesIgnored =
                JobMetricGroup.of(getRuntimeContext().getMetricGroup())
                        .counter("ttlDeletesIgnored");
        late = JobMetricGroup.of(getRuntimeContext().getMetricGroup()).counter("lateChanges");
    }

    @Override
    public void processElement(ItemChange change, Context ctx, Collector<Row> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        ItemState item = state.value();
        if (item == null) {
            item = new ItemState();
        }
        if (change.eventId != null) {
            if (item.seenEventIds.containsKey(change.eventId)) {
                duplicates.inc();
                return;
            }
            long expiry = roundUp(now + dedupeRetentionMs);
            item.seenEventIds.put(change.eventId, expiry);
            scheduleCleanup(item, expiry, ctx);
        }
        Row before = item.image;
        if (!change.snapshot) {
            if (change.changeTimeMicros / 1000 < ctx.timerService().currentWatermark()) {
                // Behind the watermark: window TVFs over the changes table will not count it.
                late.inc();
            }
            ctx.output(changes, changeRow(change, before));
        }
        if (item.applied
                && compare(
                                change.changeTimeMicros,
                                change.sequenceNumber,
                                item.changeTimeMicros,
                                item.sequenceNumber)
                        <= 0) {
            stale.inc();
            state.update(item);
            return;
        }
        if (change.type == ChangeType.REMOVE) {
            if (change.ttlDelete && !retractTtlDeletes) {
                ttlDeletesIgnored.inc();
                state.update(item);
                return;
            }
            if (before != null) {
                out.collect(stateRow(before, item.changeTimeMicros, RowKind.DELETE));
            } else {
                removesOfUnknownItems.inc();
            }
            long expiry = roundUp(now + tombstoneRetentionMs);
            item.delete(change.changeTimeMicros, change.sequenceNumber, expiry);
            scheduleCleanup(item, expiry, ctx);
        } else {
            if (before == null) {
                out.collect(stateRow(change.newRow, change.changeTimeMicros, RowKind.INSERT));
            } else {
                out.collect(stateRow(before, item.changeTimeMicros, RowKind.UPDATE_BEFORE));
                out.collect(stateRow(change.newRow, change.changeTimeMicros, RowKind.UPDATE_AFTER));
            }
            item.apply(change.changeTimeMicros, change.sequenceNumber, change.newRow);
        }
        state.update(item);
        applied.inc();
    }

    /**
     * Keeps one cleanup timer per item, at the earliest time something of it is to be forgotten:
     * expiries only grow with processing time, so the pending timer is moved only when a tombstone
     * expires before the event ids do.
     */
    private static void scheduleCleanup(ItemState item, long expiry, Context ctx) {
        if (item.cleanupAt != ItemState.NO_TIMER && item.cleanupAt <= expiry) {
            return;
        }
        if (item.cleanupAt != ItemState.NO_TIMER) {
            ctx.timerService().deleteProcessingTimeTimer(item.cleanupAt);
        }
        ctx.timerService().registerProcessingTimeTimer(expiry);
        item.cleanupAt = expiry;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        ItemState item = state.value();
        if (item == null) {
            return;
        }
        item.expire(timestamp);
        if (item.isEmpty()) {
            state.clear();
            return;
        }
        item.cleanupAt = item.nextExpiry();
        if (item.cleanupAt != ItemState.NO_TIMER) {
            ctx.timerService().registerProcessingTimeTimer(item.cleanupAt);
        }
        state.update(item);
    }

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

    private static Row stateRow(Row image, long changeTimeMicros, RowKind kind) {
        Row row =
                Row.join(
                        image,
                        Row.of(Instant.ofEpochMilli(Math.floorDiv(changeTimeMicros, 1000L))));
        row.setKind(kind);
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
