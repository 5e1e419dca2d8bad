package io.changeviews.connectors.ddb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * UTF-8 lengths counted without encoding agree with the encoder, and truncation keeps characters.
 */
class Utf8Test {
    @Test
    void countsWhatTheEncoderWrites() {
        String[] samples = {
            "",
            "item123",
            "caf\u00e9",
            "\u20ac100",
            "\ud83d\ude00 smile",
            "lone \ud83d high",
            "lone \ude00 low",
            "\ude00\ud83d reversed",
            "end \ud83d"
        };
        for (String s : samples) {
            assertThat(Utf8.length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void truncatesWithoutSplittingACharacter() {
        assertThat(Utf8.truncate("caf\u00e9", 4)).isEqualTo("caf");
        assertThat(Utf8.truncate("\ud83d\ude00x", 3)).isEmpty();
        assertThat(Utf8.truncate("abc", 10)).isEqualTo("abc");
    }
}
