package io.changeviews.connectors.sink;

import java.nio.charset.StandardCharsets;

/** UTF-8 helpers for DynamoDB's byte-counted limits. */
public final class Utf8 {
    private Utf8() {}

    /**
     * The longest prefix of {@code s} whose UTF-8 encoding fits in {@code maxBytes}, never
     * splitting a character.
     */
    public static String truncate(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > maxBytes) {
                break;
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return i == s.length() ? s : s.substring(0, i);
    }

    public static int length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
