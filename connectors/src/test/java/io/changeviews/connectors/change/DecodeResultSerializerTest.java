package io.changeviews.connectors.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.ddb.DdbValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Change records' own Flink type: every attribute type round-trips, copies are the instance. */
class DecodeResultSerializerTest {
    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static TypeSerializer<DecodeResult> serializer() {
        return TypeInformation.of(DecodeResult.class).createSerializer(new ExecutionConfig());
    }

    @Test
    void everyAttributeTypeAndFieldRoundTrips() throws Exception {
        Map<String, DdbValue> image = new LinkedHashMap<>();
        image.put("s", DdbValue.s("text"));
        image.put("n", DdbValue.n(new BigDecimal("12.50")));
        image.put("b", DdbValue.b("bytes".getBytes(StandardCharsets.UTF_8)));
        image.put("bool", DdbValue.bool(true));
        image.put("null", DdbValue.nul());
        image.put("l", DdbValue.l(List.of(DdbValue.s("a"), DdbValue.n(BigDecimal.ONE))));
        image.put("m", DdbValue.m(Map.of("inner", DdbValue.s("x"))));
        image.put("ss", DdbValue.ss(List.of("x", "y")));
        image.put("ns", DdbValue.ns(List.of(BigDecimal.ONE, BigDecimal.TEN)));
        image.put("bs", DdbValue.bs(List.of(new byte[] {1, 2}, new byte[] {3})));
        ChangeEvent event =
                new ChangeEvent(
                        "Orders",
                        ChangeType.MODIFY,
                        Map.of("id", DdbValue.s("o1")),
                        null,
                        image,
                        1_700_000_000_123_456L,
                        "e1",
                        "4711",
                        true);
        ChangeEvent back = roundTrip(serializer(), DecodeResult.of(event)).event();
        assertThat(back.tableName()).isEqualTo("Orders");
        assertThat(back.type()).isEqualTo(ChangeType.MODIFY);
        assertThat(back.keys()).isEqualTo(event.keys());
        assertThat(back.oldImage()).isNull();
        assertThat(back.newImage()).isEqualTo(image);
        assertThat(back.newImage().keySet()).containsExactlyElementsOf(image.keySet());
        assertThat(back.changeTimeMicros()).isEqualTo(event.changeTimeMicros());
        assertThat(back.eventId()).isEqualTo("e1");
        assertThat(back.sequenceNumber()).isEqualTo("4711");
        assertThat(back.ttlDelete()).isTrue();
        assertThat(back.snapshot()).isFalse();

        ChangeEvent item =
                ChangeEvent.snapshotItem("Orders", Map.of("id", DdbValue.s("o2")), image, 5L);
        ChangeEvent itemBack = roundTrip(serializer(), DecodeResult.of(item)).event();
        assertThat(itemBack.snapshot()).isTrue();
        assertThat(itemBack.eventId()).isNull();
    }

    @Test
    void deadLettersRoundTripAndCopiesAreTheInstanceItself() throws Exception {
        DecodeResult failed =
                DecodeResult.failed(new DeadLetter("kinesis:s/shard-1", "42", "bad JSON", "{"));
        DecodeResult back = roundTrip(serializer(), failed);
        assertThat(back.isDeadLetter()).isTrue();
        assertThat(back.deadLetter().toString()).isEqualTo(failed.deadLetter().toString());
        assertThat(back.deadLetter().payload()).isEqualTo("{");
        assertThat(serializer().copy(failed)).isSameAs(failed);
        assertThat(serializer().isImmutableType()).isTrue();
    }

    @Test
    void binaryValuesCannotBeChangedFromOutside() {
        byte[] raw = {1, 2, 3};
        DdbValue value = DdbValue.b(raw);
        raw[0] = 9;
        value.asBytes()[1] = 9;
        assertThat(value.asBytes()).containsExactly(1, 2, 3);
    }
}
