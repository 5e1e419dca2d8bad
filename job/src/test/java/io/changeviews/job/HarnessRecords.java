package io.changeviews.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Reads what an operator test harness emitted since the last look. */
public final class HarnessRecords {
    private HarnessRecords() {}

    /** The emitted records' values (watermarks left out), and clears the harness's output. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> drain(AbstractStreamOperatorTestHarness<T> harness) {
        List<T> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add(((StreamRecord<T>) o).getValue());
            }
        }
        harness.getOutput().clear();
        return out;
    }
}
