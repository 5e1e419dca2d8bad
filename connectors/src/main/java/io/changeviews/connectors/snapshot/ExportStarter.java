package io.changeviews.connectors.snapshot;

import io.changeviews.connectors.aws.AwsErrors;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;

/**
 * Exports a table to S3 (ExportTableToPointInTime of now, {@code DYNAMODB_JSON}; the table needs
 * point-in-time recovery) and waits until DynamoDB says the export is complete, so that a job can
 * bootstrap from it right away. Runs once, where the job is built.
 */
public final class ExportStarter {
    private static final Logger LOG = LoggerFactory.getLogger(ExportStarter.class);

    private final DynamoDbAsyncClient client;
    private final Duration poll;

    public ExportStarter(DynamoDbAsyncClient client, Duration poll) {
        this.client = client;
        this.poll = poll;
    }

    /**
     * Exports {@code tableArn} under {@code s3://bucket/prefix} and returns the export's folder,
     * {@code s3://bucket/prefix/AWSDynamoDB/<export id>/}.
     *
     * @throws InvalidExportException if DynamoDB refuses the export, the export fails, or it is not
     *     complete within {@code timeout}
     */
    public String export(String tableArn, String bucket, String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExportDescription export =
                call(
                        "ExportTableToPointInTime of " + tableArn,
                        () ->
                                client.exportTableToPointInTime(
                                                b ->
                                                        b.tableArn(tableArn)
                                                                .s3Bucket(bucket)
                                                                .s3Prefix(
                                                                        prefix.isEmpty()
                                                                                ? null
                                                                                : prefix)
                                                                .exportFormat(
                                                                        ExportFormat.DYNAMODB_JSON))
                                        .join()
                                        .exportDescription());
        String arn = export.exportArn();
        LOG.info("Started {} of {} to s3://{}/{}", arn, tableArn, bucket, prefix);
        while (export.exportStatus() == ExportStatus.IN_PROGRESS) {
            if (System.nanoTime() > deadline) {
                throw new InvalidExportException(
                        "export " + arn + " is not complete after " + timeout);
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InvalidExportException("interrupted while waiting for " + arn, e);
            }
            export = describe(arn, export);
        }
        if (export.exportStatus() != ExportStatus.COMPLETED) {
            throw new InvalidExportException(
                    "export "
                            + arn
                            + " "
                            + export.exportStatusAsString()
                            + ": "
                            + export.failureCode()
                            + " "
                            + export.failureMessage());
        }
        // The manifest's key is <prefix>/AWSDynamoDB/<export id>/manifest-summary.json.
        String manifest = export.exportManifest();
        String folder = manifest.substring(0, manifest.lastIndexOf('/') + 1);
        LOG.info("{} complete, exported at {}", arn, export.exportTime());
        return "s3://" + bucket + "/" + folder;
    }

    /** The export's state now; the last one seen if a retryable error hid it this time. */
    private ExportDescription describe(String arn, ExportDescription last) {
        try {
            return client.describeExport(b -> b.exportArn(arn)).join().exportDescription();
        } catch (CompletionException e) {
            Throwable cause = AwsErrors.unwrap(e);
            if (!AwsErrors.isRetryable(cause)) {
                throw new InvalidExportException(
                        "DescribeExport of " + arn + " failed: " + cause, e);
            }
            LOG.warn("DescribeExport of {} failed ({}), asking again", arn, cause.toString());
            return last;
        }
    }

    private static ExportDescription call(String what, Supplier<ExportDescription> request) {
        try {
            return request.get();
        } catch (CompletionException e) {
            throw new InvalidExportException(what + " failed: " + AwsErrors.unwrap(e), e);
        }
    }
}
