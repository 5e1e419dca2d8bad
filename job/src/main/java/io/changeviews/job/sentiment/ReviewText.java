package io.changeviews.job.sentiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What is sent for scoring: text cut on a UTF-8 boundary to Comprehend's size limit, and its hash. */
public final class ReviewText {
    /** Comprehend rejects documents of 5,000 bytes or more. */
    public static final int MAX_BYTES = 4_999;

    private ReviewText() {}

    /** The longest prefix of {@code text} whose UTF-8 encoding is at most {@code maxBytes}, never splitting a character. */
    public static String truncateUtf8(String text, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (Character.isSurrogate(text.charAt(i)) && !Character.isSupplementaryCodePoint(cp)) {
                size = 3; // a lone surrogate: budgeted as the 3 bytes of a replacement character
            }
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return text.substring(0, i);
    }

    /** SHA-256 of language and text: equal hashes mean the same scoring request, so one score serves both. */
    public static String hash(String language, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(language.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
