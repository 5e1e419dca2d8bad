package io.changeviews.connectors.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportResponse;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeResponse;

/** Starting an export and waiting for it, against a DynamoDB that answers from a script. */
class ExportStarterTest {
    private static final String TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders";
    private static final String EXPORT_ARN = TABLE_ARN + "/export/01764583200000-abcd1234";

    /** Answers DescribeExport with the scripted states, the last one for ever. */
    private static final class ScriptedExports implements DynamoDbAsyncClient {
        final Deque<ExportDescription> states = new ArrayDeque<>();
        ExportTableToPointInTimeRequest request;

        ScriptedExports(ExportDescription... states) {
            this.states.addAll(java.util.List.of(states));
        }

        @Override
        public CompletableFuture<ExportTableToPointInTimeResponse> exportTableToPointInTime(
                ExportTableToPointInTimeRequest request) {
            this.request = request;
            return CompletableFuture.completedFuture(
                    ExportTableToPointInTimeResponse.builder()
                            .exportDescription(state(ExportStatus.IN_PROGRESS))
                            .build());
        }

        @Override
        public CompletableFuture<DescribeExportResponse> describeExport(
                DescribeExportRequest request) {
            assertThat(request.exportArn()).isEqualTo(EXPORT_ARN);
            ExportDescription next = states.size() > 1 ? states.poll() : states.peek();
            return CompletableFuture.completedFuture(
                    DescribeExportResponse.builder().exportDescription(next).build());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static ExportDescription state(ExportStatus status) {
        return ExportDescription.builder()
                .exportArn(EXPORT_ARN)
                .exportStatus(status)
                .exportManifest("exports/AWSDynamoDB/01764583200000-abcd1234/manifest-summary.json")
                .failureCode(status == ExportStatus.FAILED ? "S3AccessDenied" : null)
                .failureMessage(status == ExportStatus.FAILED ? "no access to bucket" : null)
                .build();
    }

    @Test
    void aCompletedExportGivesItsFolder() {
        ScriptedExports ddb =
                new ScriptedExports(
                        state(ExportStatus.IN_PROGRESS),
                        state(ExportStatus.IN_PROGRESS),
                        state(ExportStatus.COMPLETED));
        String location =
                new ExportStarter(ddb, Duration.ofMillis(1))
                        .export(TABLE_ARN, "bucket", "exports", Duration.ofMinutes(1));
        assertThat(location).isEqualTo("s3://bucket/exports/AWSDynamoDB/01764583200000-abcd1234/");
        assertThat(ddb.request.exportFormat()).isEqualTo(ExportFormat.DYNAMODB_JSON);
        assertThat(ddb.request.s3Bucket()).isEqualTo("bucket");
        assertThat(ddb.request.s3Prefix()).isEqualTo("exports");
        assertThat(ddb.states).hasSize(1);
    }

    @Test
    void aFailedExportFailsWithDynamoDbsReason() {
        ScriptedExports ddb = new ScriptedExports(state(ExportStatus.FAILED));
        assertThatThrownBy(
                        () ->
                                new ExportStarter(ddb, Duration.ofMillis(1))
                                        .export(TABLE_ARN, "bucket", "", Duration.ofMinutes(1)))
                .isInstanceOf(InvalidExportException.class)
                .hasMessage("export " + EXPORT_ARN + " FAILED: S3AccessDenied no access to bucket");
        assertThat(ddb.request.s3Prefix()).isNull();
    }

    @Test
    void anExportThatTakesTooLongFails() {
        ScriptedExports ddb = new ScriptedExports(state(ExportStatus.IN_PROGRESS));
        assertThatThrownBy(
                        () ->
                                new ExportStarter(ddb, Duration.ofMillis(5))
                                        .export(TABLE_ARN, "bucket", "x", Duration.ofMillis(20)))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageContaining("is not complete after PT0.02S");
    }
}
