package io.changeviews.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Committables survive the checkpoint unchanged, for every attribute type a view row has. */
class ViewWritesSerializerTest {
    private final ViewWritesSerializer serializer = new ViewWritesSerializer();

    @Test
    void putsAndDeletesRoundTrip() throws IOException {
        ViewWrites writes =
                new ViewWrites(
                        List.of(
                                new KeyedWrite(
                                        "a",
                                        false,
                                        Map.of(
                                                "k", AttributeValue.fromS("a"),
                                                "n", AttributeValue.fromN("-12.5"),
                                                "b",
                                                        AttributeValue.fromB(
                                                                SdkBytes.fromByteArray(
                                                                        new byte[] {0, 1, 2})),
                                                "flag", AttributeValue.fromBool(true),
                                                "long", AttributeValue.fromS("ä".repeat(70_000)))),
                                new KeyedWrite("b", true, Map.of("k", AttributeValue.fromS("b")))));

        ViewWrites back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(writes));

        assertThat(back).isEqualTo(writes);
        assertThat(back.writes().get(1).request().deleteRequest().key()).containsOnlyKeys("k");
    }

    @Test
    void anAttributeTypeAViewRowNeverHasIsRefused() {
        ViewWrites writes =
                new ViewWrites(
                        List.of(
                                new KeyedWrite(
                                        "a", false, Map.of("l", AttributeValue.fromL(List.of())))));
        assertThatThrownBy(() -> serializer.serialize(writes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("l");
    }
}
