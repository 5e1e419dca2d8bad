package io.changeviews.job.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SourceTableSpec;
import io.changeviews.job.ops.RepoPaths;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamStatus;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Each declared table's stream is found and checked before the job starts: enabled, with new
 * images, and for a snapshotted table older than the snapshot's earliest item stamp. The describe
 * calls are answered from SDK model objects, as DynamoDB would.
 */
class TableStreamsTest {
    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
    private static final long MARGIN_MS = 3000;
    private static final String ACCOUNT = "arn:aws:dynamodb:us-east-1:123456789012:table/";

    /** The shipped tables read from DynamoDB Streams, Order_by_item snapshotted by Scan. */
    private static List<SourceTableSpec> tables(Map<String, String> orders) throws Exception {
        Map<String, Map<String, String>> o = new HashMap<>();
        o.put(JobConfig.SOURCE, Map.of(JobConfig.SOURCE_TYPE, "dynamodb-streams"));
        Map<String, String> table = new HashMap<>(orders);
        table.put(JobConfig.TABLE_SNAPSHOT, "scan");
        table.put(JobConfig.SNAPSHOT_CLOCK_MARGIN_MS, String.valueOf(MARGIN_MS));
        o.put(JobConfig.TABLE_PREFIX + "Order_by_item", table);
        return JobConfig.from(
                        ApplicationProperties.withOverrides(
                                ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), o))
                .tables();
    }

    private static String arn(String table) {
        return ACCOUNT + table + "/stream/2026-11-01T00:00:00.000";
    }

    /** Every table with its latest stream. */
    private static Function<String, TableDescription> latestStreams() {
        return table ->
                TableDescription.builder().tableName(table).latestStreamArn(arn(table)).build();
    }

    /** A stream as DescribeStream tells it: ENABLED, NEW_AND_OLD_IMAGES, created a day ago. */
    private static StreamDescription.Builder stream(String arn) {
        return StreamDescription.builder()
                .streamArn(arn)
                .tableName(arn.substring(ACCOUNT.length(), arn.indexOf("/stream/")))
                .streamStatus(StreamStatus.ENABLED)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                .creationRequestDateTime(START.minusSeconds(86_400));
    }

    private static Map<String, String> resolve(
            List<SourceTableSpec> tables,
            Function<String, TableDescription> describeTable,
            Function<String, StreamDescription> describeStream) {
        return TableStreams.resolve(tables, START, describeTable, describeStream);
    }

    @Test
    void findsEachTablesLatestStreamOrTakesTheConfiguredOne() throws Exception {
        String configured = ACCOUNT + "Order_by_item/stream/2026-10-01T00:00:00.000";
        List<SourceTableSpec> tables = tables(Map.of(JobConfig.TABLE_STREAM_ARN, configured));
        Map<String, String> tableByArn =
                resolve(
                        tables,
                        table -> {
                            assertThat(table)
                                    .as("a configured stream is not looked up")
                                    .isNotEqualTo("Order_by_item");
                            return latestStreams().apply(table);
                        },
                        arn -> stream(arn).build());
        assertThat(tableByArn)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                configured,
                                "Order_by_item",
                                arn("InvoiceTransactions"),
                                "InvoiceTransactions",
                                arn("CustomerOrders"),
                                "CustomerOrders",
                                arn("ProductReviews"),
                                "ProductReviews"));
    }

    @Test
    void aTableWithoutStreamOrATableThatIsMissingFailsNamingTheTable() throws Exception {
        List<SourceTableSpec> tables = tables(Map.of());
        assertThatThrownBy(
                        () ->
                                resolve(
                                        tables,
                                        table ->
                                                table.equals("ProductReviews")
                                                        ? TableDescription.builder()
                                                                .tableName(table)
                                                                .build()
                                                        : latestStreams().apply(table),
                                        arn -> stream(arn).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "configuration table.reviews / stream.arn: DynamoDB table ProductReviews"
                                + " has no stream");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        tables,
                                        table -> {
                                            throw ResourceNotFoundException.builder().build();
                                        },
                                        arn -> stream(arn).build()))
                .hasMessageStartingWith("configuration table.")
                .hasMessageContaining("/ dynamodb.table: DynamoDB table")
                .hasMessageEndingWith("does not exist");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        tables,
                                        latestStreams(),
                                        arn -> {
                                            throw ResourceNotFoundException.builder().build();
                                        }))
                .hasMessageContaining("/ stream.arn: stream arn:aws:dynamodb:")
                .hasMessageEndingWith("does not exist");
    }

    @Test
    void theStreamMustBeEnabledWithNewImagesAndBelongToTheTable() throws Exception {
        List<SourceTableSpec> tables = tables(Map.of());
        String orders = arn("Order_by_item");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        tables,
                                        latestStreams(),
                                        arn ->
                                                stream(arn)
                                                        .streamStatus(
                                                                arn.equals(orders)
                                                                        ? StreamStatus.DISABLED
                                                                        : StreamStatus.ENABLED)
                                                        .build()))
                .hasMessageStartingWith(
                        "configuration table.Order_by_item / stream.arn: stream "
                                + orders
                                + " is DISABLED, not ENABLED");
        for (StreamViewType unfit : List.of(StreamViewType.KEYS_ONLY, StreamViewType.OLD_IMAGE)) {
            assertThatThrownBy(
                            () ->
                                    resolve(
                                            tables,
                                            latestStreams(),
                                            arn -> stream(arn).streamViewType(unfit).build()))
                    .hasMessageContaining("stream.arn: stream ")
                    .hasMessageContaining(
                            "has view type "
                                    + unfit
                                    + ": the job needs new images (NEW_AND_OLD_IMAGES or"
                                    + " NEW_IMAGE)");
        }
        assertThat(
                        resolve(
                                tables,
                                latestStreams(),
                                arn ->
                                        stream(arn)
                                                .streamViewType(StreamViewType.NEW_IMAGE)
                                                .build()))
                .hasSize(4);
        List<SourceTableSpec> elsewhere =
                tables(Map.of(JobConfig.TABLE_STREAM_ARN, arn("Order_by_item")));
        assertThatThrownBy(
                        () ->
                                resolve(
                                        elsewhere,
                                        latestStreams(),
                                        arn -> stream(arn).tableName("Orders").build()))
                .hasMessageStartingWith(
                        "configuration table.Order_by_item / stream.arn: stream "
                                + orders
                                + " belongs to table Orders");
    }

    @Test
    void aSnapshottedTablesStreamMustBeOlderThanTheSnapshotStartMinusTheMargin() throws Exception {
        List<SourceTableSpec> tables = tables(Map.of());
        Instant earliestStamp = START.minusMillis(MARGIN_MS);
        // Created just in time: every item's stamp is at or after the stream's creation.
        assertThat(
                        resolve(
                                tables,
                                latestStreams(),
                                arn -> stream(arn).creationRequestDateTime(earliestStamp).build()))
                .hasSize(4);
        Instant late = earliestStamp.plusMillis(1);
        assertThatThrownBy(
                        () ->
                                resolve(
                                        tables,
                                        latestStreams(),
                                        arn -> stream(arn).creationRequestDateTime(late).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "configuration table.Order_by_item / snapshot: stream "
                                + arn("Order_by_item")
                                + " was created at 2026-12-01T11:59:57.001Z, after"
                                + " 2026-12-01T11:59:57Z (the snapshot's start minus"
                                + " snapshot.clock-margin.ms");
        // Tables without a snapshot read whatever their stream holds, however young.
        assertThat(
                        resolve(
                                tables,
                                latestStreams(),
                                arn ->
                                        stream(arn)
                                                .creationRequestDateTime(
                                                        arn.equals(arn("Order_by_item"))
                                                                ? earliestStamp
                                                                : START.plusSeconds(60))
                                                .build()))
                .hasSize(4);
    }
}
