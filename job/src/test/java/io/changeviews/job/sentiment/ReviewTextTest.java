package io.changeviews.job.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.connectors.ddb.Utf8;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Cutting review text to Comprehend's byte limit on a UTF-8 boundary, and the text hash. */
class ReviewTextTest {
    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void shortTextIsKept() {
        assertThat(Utf8.truncate("Great product", ReviewText.MAX_BYTES)).isEqualTo("Great product");
    }

    @Test
    void neverSplitsAMultiByteCharacterAtTheBoundary() {
        // 4,998 ASCII bytes, then characters of 2, 3 and 4 bytes: none of them fits whole under
        // 4,999 bytes.
        String base = "a".repeat(4_998);
        for (String wide : new String[] {"é", "€", "😀"}) {
            String cut = Utf8.truncate(base + wide + "tail", ReviewText.MAX_BYTES);
            assertThat(cut).as(wide).isEqualTo(base);
        }
        // With one byte less before it, a 2-byte character fits exactly.
        String cut = Utf8.truncate("a".repeat(4_997) + "é" + "z", ReviewText.MAX_BYTES);
        assertThat(cut).endsWith("é");
        assertThat(utf8(cut)).isEqualTo(4_999);
    }

    @Test
    void longMultiByteTextStaysUnderTheLimitAndIsAPrefix() {
        String text = "Très bien 👍 – 価格は良い。".repeat(400);
        String cut = Utf8.truncate(text, ReviewText.MAX_BYTES);
        assertThat(utf8(cut))
                .isLessThanOrEqualTo(ReviewText.MAX_BYTES)
                .isGreaterThan(ReviewText.MAX_BYTES - 4);
        assertThat(text).startsWith(cut);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
        assertThat(new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo(cut);
    }

    @Test
    void theHashDependsOnLanguageAndText() {
        assertThat(ReviewText.hash("en", "good"))
                .isEqualTo(ReviewText.hash("en", "good"))
                .hasSize(64);
        assertThat(ReviewText.hash("en", "good")).isNotEqualTo(ReviewText.hash("de", "good"));
        assertThat(ReviewText.hash("en", "good")).isNotEqualTo(ReviewText.hash("en", "good!"));
    }
}
