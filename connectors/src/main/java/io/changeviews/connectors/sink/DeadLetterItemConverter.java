package io.changeviews.connectors.sink;

import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.ddb.Utf8;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Stores a dead letter as a DynamoDB item keyed by {@code source} and {@code position}. The payload
 * is cut to {@value #MAX_PAYLOAD_BYTES} bytes (flagged with {@code payload_truncated}): the sink
 * checkpoints the requests it buffers with {@code writeUTF}, which refuses a string over 65,535
 * bytes and so failed every checkpoint while a dead letter of an oversized record waited.
 */
public final class DeadLetterItemConverter
        implements ElementConverter<DeadLetter, DynamoDbWriteRequest> {
    private static final long serialVersionUID = 1L;

    /**
     * What {@code writeUTF} takes (65,535 bytes of modified UTF-8, where a character of UTF-8's one
     * to four bytes needs at most twice as many), with room to spare.
     */
    static final int MAX_PAYLOAD_BYTES = 32_000;

    /** Reasons quote the offending value, which can be anything a record holds. */
    static final int MAX_REASON_BYTES = 4_000;

    public static final String SOURCE = "source";
    public static final String POSITION = "position";

    @Override
    public DynamoDbWriteRequest apply(DeadLetter letter, SinkWriter.Context context) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(
                SOURCE,
                AttributeValue.fromS(nonEmpty(Utf8.truncate(nonEmpty(letter.source()), 1_000))));
        item.put(
                POSITION,
                AttributeValue.fromS(nonEmpty(Utf8.truncate(nonEmpty(letter.position()), 1_000))));
        item.put(
                "reason",
                AttributeValue.fromS(
                        nonEmpty(Utf8.truncate(nonEmpty(letter.reason()), MAX_REASON_BYTES))));
        String payload = letter.payload() == null ? "" : letter.payload();
        String kept = Utf8.truncate(payload, MAX_PAYLOAD_BYTES);
        if (!kept.isEmpty()) {
            item.put("payload", AttributeValue.fromS(kept));
        }
        item.put(
                "payload_bytes",
                AttributeValue.fromN(
                        Integer.toString(payload.getBytes(StandardCharsets.UTF_8).length)));
        item.put("payload_truncated", AttributeValue.fromBool(kept.length() < payload.length()));
        item.put("dead_lettered_at", AttributeValue.fromS(Instant.now().toString()));
        return DynamoDbWriteRequest.builder()
                .setType(DynamoDbWriteRequestType.PUT)
                .setItem(item)
                .build();
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
