package io.changeviews.local.benchmark;

import java.util.Locale;

/** The run's progress lines, each stamped with the seconds since the run started. */
final class Progress {
    private final long started = System.nanoTime();

    void print(String message) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", secondsSince(started), message);
    }

    static double secondsSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9;
    }
}
