package io.changeviews.connectors.source;

import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.change.DecodeException;
import io.changeviews.connectors.change.DecodeResult;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;

/**
 * Turns every Kinesis or DynamoDB Streams record into a {@link DecodeResult}; it never throws, so a
 * bad record becomes a dead letter instead of a failed job.
 */
public final class ChangeRecordDeserializationSchema
        implements KinesisDeserializationSchema<DecodeResult> {
    private static final long serialVersionUID = 1L;

    private final String sourceKind;
    private final Map<String, String> tableByStream;
    private final ChangeRecordDecoder decoder = new ChangeRecordDecoder();

    /**
     * For records that name their table (KDS for DynamoDB).
     *
     * @param sourceKind names the transport in dead letters, e.g. {@code kinesis}
     */
    public ChangeRecordDeserializationSchema(String sourceKind) {
        this(sourceKind, Map.of());
    }

    /**
     * @param sourceKind names the transport in dead letters, e.g. {@code dynamodb-streams}
     * @param tableByStream the DynamoDB table of each stream (by the name the consumer reads it
     *     under: a DynamoDB Stream's ARN), for records that do not name their table
     */
    public ChangeRecordDeserializationSchema(String sourceKind, Map<String, String> tableByStream) {
        this.sourceKind = sourceKind;
        this.tableByStream = Map.copyOf(tableByStream);
    }

    @Override
    public DecodeResult deserialize(
            byte[] recordValue,
            String partitionKey,
            String seqNum,
            long approxArrivalTimestamp,
            String stream,
            String shardId) {
        try {
            return DecodeResult.of(decoder.decode(recordValue, tableByStream.get(stream), seqNum));
        } catch (DecodeException | RuntimeException e) {
            String reason = e instanceof DecodeException ? e.getMessage() : "decoder failure: " + e;
            return DecodeResult.failed(
                    new DeadLetter(
                            sourceKind + ":" + stream + "/" + shardId,
                            seqNum,
                            reason,
                            payloadText(recordValue)));
        }
    }

    /**
     * The payload as UTF-8 text when it is valid UTF-8, else as {@code base64:} text, so nothing is
     * lost.
     */
    static String payloadText(byte[] payload) {
        if (payload == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(payload);
        }
    }

    @Override
    public TypeInformation<DecodeResult> getProducedType() {
        return TypeInformation.of(DecodeResult.class);
    }
}
