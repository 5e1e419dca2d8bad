package io.changeviews.job.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/**
 * Which review changes are scored, reuse a score or remove the review; and how language attributes
 * are read.
 */
class TextChangeDetectorTest {
    /** Rows like the reviews table's state: pk, sk, review_body, review_language, change_time. */
    private static Row review(RowKind kind, String body, String language) {
        return Row.ofKind(kind, "B01", "2026-11-22#r1", body, language, Instant.EPOCH);
    }

    private static List<String> run(Row... rows) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Row, ReviewChange> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new TextChangeDetector(new int[] {2}, 3, "en")),
                        new ReviewKeySelector(new int[] {0, 1}),
                        Types.STRING);
        h.open();
        long t = 1;
        for (Row r : rows) {
            h.processElement(r, t++);
        }
        List<String> out =
                h.extractOutputValues().stream()
                        .map(c -> c.action + (c.language == null ? "" : " " + c.language))
                        .collect(Collectors.toList());
        h.close();
        return out;
    }

    @Test
    void newTextIsScoredSameTextReusedAndGoneTextRemoved() throws Exception {
        assertThat(
                        run(
                                review(RowKind.INSERT, "Great product", null),
                                review(RowKind.UPDATE_BEFORE, "Great product", null),
                                review(RowKind.UPDATE_AFTER, "Great product", null),
                                review(RowKind.UPDATE_AFTER, "It broke", null),
                                review(RowKind.UPDATE_AFTER, "  ", null),
                                review(RowKind.UPDATE_AFTER, "Back again", "DE"),
                                review(RowKind.DELETE, "Back again", "DE")))
                .containsExactly(
                        "SCORE en", "REUSE en", "SCORE en", "DELETE", "SCORE de", "DELETE");
    }

    @Test
    void itemsWithoutTextNeverEnter() throws Exception {
        assertThat(run(review(RowKind.INSERT, null, null), review(RowKind.DELETE, null, null)))
                .isEmpty();
    }

    @Test
    void languageAttributesAreReadAsComprehendCodes() {
        assertThat(TextChangeDetector.languageCode(" EN ")).isEqualTo("en");
        assertThat(TextChangeDetector.languageCode("en-US")).isEqualTo("en");
        assertThat(TextChangeDetector.languageCode("pt_BR")).isEqualTo("pt");
        assertThat(TextChangeDetector.languageCode("zh-tw")).isEqualTo("zh-TW");
        assertThat(TextChangeDetector.languageCode("zh")).isEqualTo("zh");
    }
}
