package io.changeviews.job.sentiment;

import io.changeviews.connectors.ddb.Utf8;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * Turns a review table's changelog into scoring work, per review: a new or changed text is to be
 * SCOREd, an unchanged text (another attribute changed) REUSEs the last score, and a delete — or a
 * text that became empty — is a DELETE. Items without text (summaries, other item types in the same
 * table) never enter. Keeps the hash of the last text sent per review.
 */
public final class TextChangeDetector extends KeyedProcessFunction<String, Row, ReviewChange> {
    private static final long serialVersionUID = 1L;

    private final int[] textFields;
    private final int languageField;
    private final String defaultLanguage;

    private transient ValueState<String> lastHash;

    /**
     * @param textFields the columns whose text is scored, joined by a blank line when there are
     *     several
     * @param languageField the column holding a review's language code, or -1 to always use {@code
     *     defaultLanguage}
     */
    public TextChangeDetector(int[] textFields, int languageField, String defaultLanguage) {
        this.textFields = textFields.clone();
        this.languageField = languageField;
        this.defaultLanguage = defaultLanguage;
    }

    @Override
    public void open(OpenContext openContext) {
        lastHash =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("last-text-hash", Types.STRING));
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<ReviewChange> out) throws Exception {
        if (row.getKind() == RowKind.UPDATE_BEFORE) {
            return; // the enriched changelog retracts from its own state
        }
        String text = row.getKind() == RowKind.DELETE ? null : text(row);
        String previous = lastHash.value();
        if (text == null) {
            if (previous != null) {
                lastHash.clear();
                out.collect(change(ctx.getCurrentKey(), ReviewChange.Action.DELETE, row));
            }
            return;
        }
        String language = language(row);
        String truncated = Utf8.truncate(text, ReviewText.MAX_BYTES);
        String hash = ReviewText.hash(language, truncated);
        ReviewChange c =
                change(
                        ctx.getCurrentKey(),
                        hash.equals(previous)
                                ? ReviewChange.Action.REUSE
                                : ReviewChange.Action.SCORE,
                        row);
        c.language = language;
        c.textHash = hash;
        c.text =
                truncated; // a REUSE carries it too: the scorer tries again a text whose last score
        // was UNKNOWN
        if (c.action == ReviewChange.Action.SCORE) {
            lastHash.update(hash);
        }
        out.collect(c);
    }

    private static ReviewChange change(String key, ReviewChange.Action action, Row row) {
        ReviewChange c = new ReviewChange();
        c.key = key;
        c.action = action;
        c.review = Row.copy(row);
        c.review.setKind(RowKind.INSERT);
        return c;
    }

    /** The text to score, or null when the item has none. */
    private String text(Row row) {
        StringBuilder text = new StringBuilder();
        for (int f : textFields) {
            Object v = row.getField(f);
            if (v != null && !v.toString().trim().isEmpty()) {
                if (text.length() > 0) {
                    text.append("\n\n");
                }
                text.append(v.toString().trim());
            }
        }
        return text.length() == 0 ? null : text.toString();
    }

    private String language(Row row) {
        Object v = languageField < 0 ? null : row.getField(languageField);
        return v == null || v.toString().trim().isEmpty()
                ? defaultLanguage
                : languageCode(v.toString());
    }

    /**
     * A language attribute as Comprehend's code: {@code EN}, {@code en-US}, {@code en_GB} → {@code
     * en}; {@code zh-tw} → {@code zh-TW}.
     */
    static String languageCode(String value) {
        String v = value.trim().replace('_', '-');
        if (v.equalsIgnoreCase("zh-TW") || v.equalsIgnoreCase("zh-Hant")) {
            return "zh-TW";
        }
        int dash = v.indexOf('-');
        return (dash < 0 ? v : v.substring(0, dash)).toLowerCase(Locale.ROOT);
    }
}
