package io.changeviews.job.sentiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What is sent for scoring: Comprehend's size limit for a text (cut with {@link
 * io.changeviews.connectors.ddb.Utf8#truncate}), and the text's hash.
 */
public final class ReviewText {
    /** Comprehend rejects documents of 5,000 bytes or more. */
    public static final int MAX_BYTES = 4_999;

    private ReviewText() {}

    /**
     * SHA-256 of language and text: equal hashes mean the same scoring request, so one score serves
     * both.
     */
    public static String hash(String language, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(language.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16))
                        .append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
