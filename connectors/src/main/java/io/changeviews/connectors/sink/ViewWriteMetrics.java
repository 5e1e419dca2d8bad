package io.changeviews.connectors.sink;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The view writer's metrics, in the {@code kinesisanalytics} group that Managed Service for Apache
 * Flink forwards to CloudWatch (the job's {@code JobMetricGroup}; connectors do not depend on the
 * job).
 */
final class ViewWriteMetrics {
    static final String GROUP = "kinesisanalytics";
    private static final int LATENCY_WINDOW = 1024;

    final Counter itemsWritten;
    final Counter requests;
    final Counter throttled;
    final Counter retried;
    final Histogram latencyMillis;

    ViewWriteMetrics(
            MetricGroup operatorGroup,
            IntSupplier inFlight,
            IntSupplier pending,
            IntSupplier concurrencyLimit,
            LongSupplier replaced) {
        MetricGroup group = operatorGroup.addGroup(GROUP);
        itemsWritten = group.counter("viewItemsWritten");
        requests = group.counter("viewWriteRequests");
        throttled = group.counter("viewWriteRequestsThrottled");
        retried = group.counter("viewItemsRetried");
        latencyMillis =
                group.histogram(
                        "viewWriteLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        group.gauge(
                "viewWriteLatencyP99Ms",
                () ->
                        latencyMillis.getCount() == 0
                                ? 0.0
                                : latencyMillis.getStatistics().getQuantile(0.99));
        group.gauge("viewWriteRequestsInFlight", inFlight::getAsInt);
        group.gauge("viewWriteConcurrencyLimit", concurrencyLimit::getAsInt);
        group.gauge("viewItemsPending", pending::getAsInt);
        group.gauge("viewItemsReplacedWhileWaiting", replaced::getAsLong);
    }
}
