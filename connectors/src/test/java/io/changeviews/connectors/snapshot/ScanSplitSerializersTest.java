package io.changeviews.connectors.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.ddb.DdbValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanSplitSerializersTest {
    private final ScanSegmentSplitSerializer splits = new ScanSegmentSplitSerializer();

    private ScanSegmentSplit roundTrip(ScanSegmentSplit split) throws Exception {
        return splits.deserialize(splits.getVersion(), splits.serialize(split));
    }

    @Test
    void aSplitKeepsItsSegmentCountAndExactLastKey() throws Exception {
        ScanSegmentSplit split =
                new ScanSegmentSplit(
                        "Order_by_item",
                        5,
                        8,
                        Map.of(
                                "orderid", DdbValue.s("ö-1"),
                                "n",
                                        DdbValue.n(
                                                new java.math.BigDecimal(
                                                        "12345678901234567890.000000000000000001")),
                                "b", DdbValue.b(new byte[] {0, 1, (byte) 255})),
                        4_000_000_000L);
        ScanSegmentSplit back = roundTrip(split);
        assertThat(back).isEqualTo(split);
        assertThat(back.splitId()).isEqualTo("Order_by_item/5-of-8");
        assertThat(back.lastKey().get("n").asNumber())
                .isEqualByComparingTo("12345678901234567890.000000000000000001");
    }

    @Test
    void aSplitNotYetStartedHasNoLastKey() throws Exception {
        assertThat(roundTrip(new ScanSegmentSplit("T", 0, 1, null, 0)).lastKey()).isNull();
    }

    @Test
    void theEnumeratorStateKeepsItsSplitsInOrder() throws Exception {
        ScanEnumeratorStateSerializer states = new ScanEnumeratorStateSerializer();
        List<ScanSegmentSplit> unassigned =
                List.of(
                        new ScanSegmentSplit("T", 2, 3, null, 0),
                        new ScanSegmentSplit("T", 0, 3, Map.of("id", DdbValue.s("a")), 7));
        byte[] bytes = states.serialize(new ScanEnumeratorState(unassigned));
        assertThat(states.deserialize(states.getVersion(), bytes).unassigned())
                .containsExactlyElementsOf(unassigned);
    }
}
