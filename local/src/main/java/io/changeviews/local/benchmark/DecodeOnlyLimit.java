package io.changeviews.local.benchmark;

import io.changeviews.connectors.source.ChangeRecordDeserializationSchema;
import java.util.Locale;

/** The decode step's limit: ChangeRecordDeserializationSchema alone on one thread. */
final class DecodeOnlyLimit {
    final double eventsPerSecond;

    private DecodeOnlyLimit(double eventsPerSecond) {
        this.eventsPerSecond = eventsPerSecond;
    }

    /** Two passes over the records; the second, with the JIT warm, is the figure. */
    static DecodeOnlyLimit measure(byte[][] records, Progress progress) {
        pass(records, progress);
        return new DecodeOnlyLimit(pass(records, progress));
    }

    private static double pass(byte[][] records, Progress progress) {
        ChangeRecordDeserializationSchema schema =
                new ChangeRecordDeserializationSchema("benchmark");
        long failed = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < records.length; i++) {
            if (schema.deserialize(
                            records[i],
                            "",
                            Integer.toString(i),
                            0L,
                            JobUnderTest.STREAM,
                            "shardId-0")
                    .isDeadLetter()) {
                failed++;
            }
        }
        double s = Progress.secondsSince(t0);
        if (failed > 0) {
            throw new IllegalStateException(failed + " generated records did not decode");
        }
        double rate = records.length / s;
        progress.print(
                String.format(
                        Locale.ROOT,
                        "decode-only: %,d records in %.2f s = %,.0f events/s",
                        records.length,
                        s,
                        rate));
        return rate;
    }
}
