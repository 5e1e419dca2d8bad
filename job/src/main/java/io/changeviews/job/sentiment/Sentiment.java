package io.changeviews.job.sentiment;

/**
 * The sentiment labels a review can carry: Comprehend's four, and UNKNOWN when it could not be
 * scored.
 */
public enum Sentiment {
    POSITIVE,
    NEGATIVE,
    NEUTRAL,
    MIXED,
    UNKNOWN
}
