package io.changeviews.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.ddb.Utf8;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriterStateSerializer;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class RowItemConverterTest {
    private final RowItemConverter converter =
            new RowItemConverter(
                    Arrays.asList("item_number", "order_date", "quantity", "note"),
                    Arrays.asList("item_number", "order_date"));

    @Test
    void putsTheAbsoluteRowWithExactNumbersAndWithoutNulls() {
        Row row =
                Row.ofKind(
                        RowKind.UPDATE_AFTER,
                        "item123",
                        "2026-11-22",
                        new BigDecimal("40.0000"),
                        null);
        DynamoDbWriteRequest req = converter.apply(row, null);
        assertThat(req.getType()).isEqualTo(DynamoDbWriteRequestType.PUT);
        assertThat(req.getItem())
                .containsEntry("quantity", AttributeValue.fromN("40"))
                .containsEntry("item_number", AttributeValue.fromS("item123"))
                .doesNotContainKey("note");
    }

    @Test
    void deletesByKeyOnRetraction() {
        DynamoDbWriteRequest req =
                converter.apply(
                        Row.ofKind(RowKind.DELETE, "item123", "2026-11-22", BigDecimal.TEN, "x"),
                        null);
        assertThat(req.getType()).isEqualTo(DynamoDbWriteRequestType.DELETE);
        assertThat(req.getItem()).containsOnlyKeys("item_number", "order_date");
    }

    @Test
    void refusesKeysDynamoDbWouldReject() {
        assertThat(converter.keyString(Row.of("item123", "2026-11-22", null, null)))
                .isEqualTo("7:item12310:2026-11-22");
        assertThat(converter.keyString(Row.of("a:b", "c", null, null)))
                .isNotEqualTo(converter.keyString(Row.of("a", "b:c", null, null)));
        assertThat(converter.keyString(Row.of(null, "2026-11-22", null, null))).isNull();
        assertThat(converter.keyString(Row.of("", "2026-11-22", null, null))).isNull();
    }

    @Test
    void namesWhatDynamoDbWouldRejectSoTheRowCanBeDeadLettered() {
        assertThat(converter.problem(Row.of("item123", "2026-11-22", BigDecimal.TEN, "x")))
                .isNull();
        assertThat(converter.problem(Row.of(null, "2026-11-22", null, null)))
                .contains("is null or empty");
        assertThat(converter.problem(Row.of("a".repeat(2049), "d", null, null)))
                .contains("item_number is longer than 2048 bytes");
        assertThat(converter.problem(Row.of("a", "d".repeat(1025), null, null)))
                .contains("order_date is longer than 1024 bytes");
        RowItemConverter doubles =
                new RowItemConverter(Arrays.asList("k", "d"), Arrays.asList("k"));
        assertThat(doubles.problem(Row.of("a", 1e300))).contains("outside DynamoDB's range");
        assertThat(doubles.problem(Row.ofKind(RowKind.DELETE, "a", 1e300)))
                .as("a delete sends the key only")
                .isNull();
        assertThat(converter.problem(Row.of("a", "d", BigDecimal.ONE, "x".repeat(410_000))))
                .contains("over DynamoDB's 400 KB limit");
    }

    @Test
    void writableKeyIsTheKeyOfARowDynamoDbCanStoreAndNullOtherwise() {
        Row ok = Row.of("item123", "2026-11-22", BigDecimal.TEN, "x");
        assertThat(converter.writableKey(ok)).isEqualTo(converter.keyString(ok));
        assertThat(converter.writableKey(Row.of(null, "2026-11-22", null, null))).isNull();
        assertThat(converter.writableKey(Row.of("a", "d", BigDecimal.ONE, "x".repeat(410_000))))
                .isNull();
        assertThat(converter.writableKey(Row.of("a", "d", new BigDecimal("1E126"), null))).isNull();
    }

    @Test
    void capsTheDeadLetterReasonSoTheItemStaysUnderTheLimit() {
        DynamoDbWriteRequest req =
                new DeadLetterItemConverter()
                        .apply(new DeadLetter("s", "1", "r".repeat(900_000), "p"), null);
        assertThat(Utf8.length(req.getItem().get("reason").s()))
                .isLessThanOrEqualTo(DeadLetterItemConverter.MAX_REASON_BYTES);
    }

    @Test
    void truncatesDeadLetterPayloadsOnACharacterBoundaryBelowTheItemLimit() {
        StringBuilder big = new StringBuilder();
        while (big.length() < 200_000) {
            big.append("\u00e9\u20ac");
        }
        DynamoDbWriteRequest req =
                new DeadLetterItemConverter()
                        .apply(new DeadLetter("kinesis:s/shard", "1", "bad", big.toString()), null);
        String kept = req.getItem().get("payload").s();
        assertThat(Utf8.length(kept))
                .isLessThanOrEqualTo(DeadLetterItemConverter.MAX_PAYLOAD_BYTES);
        assertThat(big.toString()).startsWith(kept);
        assertThat(req.getItem().get("payload_truncated").bool()).isTrue();
    }

    @Test
    void aDeadLetterOfAnOversizedRecordCanBeCheckpointedWhileItWaits() throws Exception {
        // Four-byte characters and NULs: what grows most in writeUTF's modified UTF-8.
        String payload = "\uD83D\uDE00\u0000".repeat(100_000);
        DynamoDbWriteRequest req =
                new DeadLetterItemConverter()
                        .apply(new DeadLetter("kinesis:s/shard", "1", "too big", payload), null);
        DynamoDbWriterStateSerializer state = new DynamoDbWriterStateSerializer();
        byte[] bytes =
                state.serialize(
                        new BufferedRequestState<>(List.of(new RequestEntryWrapper<>(req, 1))));
        assertThat(
                        state.deserialize(state.getVersion(), bytes)
                                .getBufferedRequestEntries()
                                .get(0)
                                .getRequestEntry()
                                .getItem())
                .isEqualTo(req.getItem());
        assertThat(req.getItem().get("payload_truncated").bool()).isTrue();
    }

    @Test
    void utf8TruncationNeverSplitsACharacter() {
        assertThat(Utf8.truncate("a\u20acb", 2)).isEqualTo("a");
        assertThat(Utf8.truncate("a\u20acb", 4)).isEqualTo("a\u20ac");
        assertThat(Utf8.truncate("\uD83D\uDE00x", 3)).isEmpty();
        assertThat(Utf8.truncate("\uD83D\uDE00x", 4)).isEqualTo("\uD83D\uDE00");
    }
}
