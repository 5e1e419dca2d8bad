package io.changeviews.local.benchmark;

import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.local.LocalTables;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The baseline: the seed's Lambda, one synchronous UpdateItem per event. */
final class LambdaBaseline {
    final int calls;
    final double seconds;

    private LambdaBaseline(int calls, double seconds) {
        this.calls = calls;
        this.seconds = seconds;
    }

    /**
     * The updates in stream order, on one thread (a Lambda invocation works through its batch in
     * order), straight to DynamoDB Local without the proxy.
     */
    static LambdaBaseline measure(
            DynamoDbClient ddb,
            List<MaterializedView> views,
            List<Workload.LambdaUpdate> updates,
            Progress progress) {
        // The Lambda adds to whatever is there: start it from an empty table, as the job started.
        LocalTables.delete(ddb, JobUnderTest.VIEW_TABLE);
        LocalTables.createTargetTables(ddb, views);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "baseline: %,d UpdateItem (ADD quantity :delta) calls, the first %,d"
                                + " events",
                        updates.size(),
                        updates.size()));
        long t0 = System.nanoTime();
        int done = 0;
        for (Workload.LambdaUpdate u : updates) {
            Map<String, AttributeValue> key = new HashMap<>();
            key.put(JobUnderTest.VIEW_KEY.get(0), AttributeValue.fromS(u.item));
            key.put(JobUnderTest.VIEW_KEY.get(1), AttributeValue.fromS(u.day));
            AttributeValue delta = AttributeValue.fromN(Integer.toString(u.delta));
            ddb.updateItem(
                    b ->
                            b.tableName(JobUnderTest.VIEW_TABLE)
                                    .key(key)
                                    .updateExpression("ADD quantity :delta")
                                    .expressionAttributeValues(
                                            Collections.singletonMap(":delta", delta)));
            if (++done % 5_000 == 0) {
                progress.print(String.format(Locale.ROOT, "baseline: %,d UpdateItem calls", done));
            }
        }
        double seconds = Progress.secondsSince(t0);
        progress.print(
                String.format(
                        Locale.ROOT,
                        "baseline: %,d UpdateItem calls in %.1f s = %s events/s",
                        done,
                        seconds,
                        Report.rate(done / seconds)));
        return new LambdaBaseline(done, seconds);
    }
}
