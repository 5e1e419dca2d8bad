package io.changeviews.connectors.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The enumerator's checkpoint: the segments no reader holds yet (those a reader holds are in its
 * own state).
 */
public final class ScanEnumeratorState {
    private final List<ScanSegmentSplit> unassigned;

    public ScanEnumeratorState(List<ScanSegmentSplit> unassigned) {
        this.unassigned = new ArrayList<>(unassigned);
    }

    public List<ScanSegmentSplit> unassigned() {
        return Collections.unmodifiableList(unassigned);
    }
}
