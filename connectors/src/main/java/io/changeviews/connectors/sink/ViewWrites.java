package io.changeviews.connectors.sink;

import java.util.List;

/**
 * The committable of {@code on-checkpoint} mode: one writer's newest write per key of one
 * checkpoint interval, kept in the checkpoint and written once the checkpoint has completed.
 */
public final class ViewWrites {
    private final List<KeyedWrite> writes;

    public ViewWrites(List<KeyedWrite> writes) {
        this.writes = List.copyOf(writes);
    }

    /** Each of a different key. */
    public List<KeyedWrite> writes() {
        return writes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViewWrites && ((ViewWrites) o).writes.equals(writes);
    }

    @Override
    public int hashCode() {
        return writes.hashCode();
    }

    @Override
    public String toString() {
        return writes.size() + " view writes";
    }
}
