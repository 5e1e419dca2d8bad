package io.changeviews.connectors.ddb;

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

    /**
     * The length of {@code s} in UTF-8, as {@code getBytes(UTF_8)} would encode it (a lone
     * surrogate as one replacement byte), without encoding it: it is asked for every string of
     * every view row.
     */
    public static int length(String s) {
        int bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
