package io.changeviews.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.change.DecodeResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChangeRecordDeserializationSchemaTest {
    private final ChangeRecordDeserializationSchema schema =
            new ChangeRecordDeserializationSchema("kinesis", null);

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
}
