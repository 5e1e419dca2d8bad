package io.changeviews.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.DecodeResult;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeRecordDeserializationSchemaTest {
    private final ChangeRecordDeserializationSchema schema =
            new ChangeRecordDeserializationSchema("kinesis");

    @Test
    void turnsAnUndecodableRecordIntoADeadLetterWithItsPosition() {
        DecodeResult r =
                schema.deserialize(
                        "{oops".getBytes(StandardCharsets.UTF_8),
                        "pk",
                        "4900001",
                        0L,
                        "changes",
                        "shardId-000000000001");
        assertThat(r.isDeadLetter()).isTrue();
        assertThat(r.deadLetter().source()).isEqualTo("kinesis:changes/shardId-000000000001");
        assertThat(r.deadLetter().position()).isEqualTo("4900001");
        assertThat(r.deadLetter().reason()).startsWith("malformed JSON");
        assertThat(r.deadLetter().payload()).isEqualTo("{oops");
    }

    @Test
    void keepsNonUtf8PayloadsAsBase64() {
        DecodeResult r =
                schema.deserialize(
                        new byte[] {(byte) 0xff, (byte) 0xfe, 0x01}, "pk", "1", 0L, "s", "shard");
        assertThat(r.isDeadLetter()).isTrue();
        assertThat(r.deadLetter().payload()).isEqualTo("base64://4B");
    }

    @Test
    void attributesADynamoDbStreamsRecordToTheTableOfTheStreamItWasReadFrom() {
        String orders = "arn:aws:dynamodb:us-east-1:1:table/Order_by_item/stream/2026-01-01";
        String reviews = "arn:aws:dynamodb:us-east-1:1:table/ProductReviews/stream/2026-01-01";
        ChangeRecordDeserializationSchema streams =
                new ChangeRecordDeserializationSchema(
                        "dynamodb-streams",
                        Map.of(orders, "Order_by_item", reviews, "ProductReviews"));
        byte[] record =
                ("{\"eventID\":\"e1\",\"eventName\":\"INSERT\",\"dynamodb\":{"
                                + "\"ApproximateCreationDateTime\":1764590400,"
                                + "\"Keys\":{\"pk\":{\"S\":\"a\"}},"
                                + "\"NewImage\":{\"pk\":{\"S\":\"a\"}},"
                                + "\"SequenceNumber\":\"100\"}}")
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(streams.deserialize(record, "pk", "100", 0L, reviews, "s").event().tableName())
                .isEqualTo("ProductReviews");
        assertThat(streams.deserialize(record, "pk", "100", 0L, orders, "s").event().tableName())
                .isEqualTo("Order_by_item");
        DecodeResult unknown =
                streams.deserialize(record, "pk", "100", 0L, "arn:other", "shardId-1");
        assertThat(unknown.isDeadLetter()).isTrue();
        assertThat(unknown.deadLetter().reason()).isEqualTo("missing tableName");
        assertThat(unknown.deadLetter().source()).isEqualTo("dynamodb-streams:arn:other/shardId-1");
    }
}
