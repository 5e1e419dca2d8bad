package io.changeviews.job.common;

import org.apache.flink.metrics.MetricGroup;

/**
 * Where the job's own metrics live: a {@code kinesisanalytics} subgroup, the group Managed Service
 * for Apache Flink forwards to CloudWatch (with MetricsLevel OPERATOR); locally they show in the
 * Web UI.
 */
public final class JobMetricGroup {
    private JobMetricGroup() {}

    public static MetricGroup of(MetricGroup operatorGroup) {
        return operatorGroup.addGroup("kinesisanalytics");
    }
}
