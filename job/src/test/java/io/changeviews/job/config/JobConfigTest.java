package io.changeviews.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.job.ops.RepoPaths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JobConfigTest {
    private static Map<String, Properties> shipped() throws Exception {
        return ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson());
    }

    private static Map<String, Properties> with(String group, String key, String value)
            throws Exception {
        Map<String, Map<String, String>> o = new HashMap<>();
        Map<String, String> kv = new HashMap<>();
        kv.put(key, value);
        o.put(group, kv);
        return ApplicationProperties.withOverrides(shipped(), o);
    }

    @Test
    void theShippedConfigurationIsValid() throws Exception {
        JobConfig c = JobConfig.from(shipped());
        assertThat(c.sourceType()).isEqualTo(JobConfig.SourceType.KINESIS);
        assertThat(c.tables())
                .extracting(SourceTableSpec::sqlName)
                .containsExactlyInAnyOrder(
                        "Order_by_item", "InvoiceTransactions", "CustomerOrders", "reviews");
        assertThat(c.views())
                .extracting(ViewSpec::name)
                .containsExactlyInAnyOrder(
                        "item_count_by_date",
                        "invoice_totals",
                        "invoice_country_sales",
                        "customer_totals",
                        "top_customers",
                        "orders_per_item_minute",
                        "review_sentiment",
                        "review_summary",
                        "review_sentiment_hourly");
        assertThat(c.sentiment().engine()).isEqualTo(SentimentConfig.Engine.EMBEDDED);
        assertThat(c.sentiment().textColumns()).containsExactly("review_headline", "review_body");
        assertThat(c.sourceProperties().getProperty("flink.stream.initpos"))
                .isEqualTo("TRIM_HORIZON");
    }

    @Test
    void errorsNameTheGroupAndTheKey() throws Exception {
        assertThatThrownBy(() -> JobConfig.from(with("source", "stream.name", null)))
                .hasMessage("configuration source / stream.name: is required");
        assertThatThrownBy(() -> JobConfig.from(with("source", "initial.position", "YESTERDAY")))
                .hasMessageContaining("source / initial.position: must be one of");
        assertThatThrownBy(() -> JobConfig.from(with("source", "initial.position", "AT_TIMESTAMP")))
                .hasMessage("configuration source / initial.timestamp: is required");
        assertThatThrownBy(() -> JobConfig.from(with("dynamodb", "flush.interval.ms", "-5")))
                .hasMessageContaining(
                        "dynamodb / flush.interval.ms: must be a whole number of milliseconds from"
                                + " 1 to");
        assertThatThrownBy(
                        () ->
                                JobConfig.from(
                                        with(
                                                "pipeline",
                                                "tombstone.retention.ms",
                                                "9223372036854775000")))
                .hasMessageContaining(
                        "pipeline / tombstone.retention.ms: must be a whole number of"
                                + " milliseconds");
        assertThatThrownBy(
                        () ->
                                JobConfig.from(
                                        with(
                                                "table.Order_by_item",
                                                "column.quantity",
                                                "DECIMAL(38")))
                .hasMessageContaining(
                        "table.Order_by_item / column.quantity: 'DECIMAL(38' is not a SQL type");
        assertThatThrownBy(
                        () ->
                                JobConfig.from(
                                        with(
                                                "table.Order_by_item",
                                                "column.tags",
                                                "ARRAY<STRING>")))
                .hasMessageContaining(
                        "table.Order_by_item / column.tags: type ARRAY<STRING> is not supported");
        assertThatThrownBy(() -> JobConfig.from(with("view.invoice_totals", "target.key", "a,b,c")))
                .hasMessageContaining(
                        "view.invoice_totals / target.key: a DynamoDB key has one or two"
                                + " attributes");
        assertThatThrownBy(() -> JobConfig.from(with("pipeline", "ttl-deletes.retract", "maybe")))
                .hasMessageContaining("pipeline / ttl-deletes.retract: must be true or false");
        assertThatThrownBy(() -> JobConfig.from(with("pipeline", "watermark.lag", "5")))
                .hasMessageContaining("pipeline / watermark.lag: is not a known property");
        assertThatThrownBy(() -> JobConfig.from(with("sinks", "x", "y")))
                .hasMessageContaining("configuration sinks: is not a known property group");
    }

    @Test
    void sentimentSettingsAreValidatedAndNamed() throws Exception {
        assertThatThrownBy(() -> JobConfig.from(with("sentiment", "table", "Reviews")))
                .hasMessageContaining("sentiment / table: table Reviews is not declared");
        assertThatThrownBy(() -> JobConfig.from(with("sentiment", "text.columns", "review_text")))
                .hasMessageContaining(
                        "sentiment / text.columns: column review_text is not declared in"
                                + " table.reviews");
        assertThatThrownBy(() -> JobConfig.from(with("sentiment", "batch.size", "50")))
                .hasMessageContaining(
                        "sentiment / batch.size: must be a whole number from 1 to 25");
        assertThatThrownBy(
                        () -> JobConfig.from(with("sentiment", "comprehend.calls-per-second", "0")))
                .hasMessageContaining(
                        "sentiment / comprehend.calls-per-second: must be a number greater than 0");
        assertThatThrownBy(() -> JobConfig.from(with("sentiment", "engine", "openai")))
                .hasMessageContaining("sentiment / engine: must be one of [EMBEDDED, COMPREHEND]");
        Map<String, Properties> swedish = with("sentiment", "engine", "comprehend");
        swedish.get("sentiment").setProperty("language", "sv");
        assertThatThrownBy(() -> JobConfig.from(swedish))
                .hasMessageContaining("sentiment / language: Comprehend does not score 'sv'");
        Map<String, Properties> none = shipped();
        none.remove("sentiment");
        assertThat(JobConfig.from(none).sentiment()).isNull();
    }

    @Test
    void snapshotsAreOffByDefaultAndTheirSettingsAreValidatedAndNamed() throws Exception {
        assertThat(JobConfig.from(shipped()).snapshotTables()).isEmpty();
        SnapshotSpec scan =
                JobConfig.from(with("table.Order_by_item", "snapshot", "scan"))
                        .snapshotTables()
                        .get(0)
                        .snapshot();
        assertThat(scan.totalSegments(2)).isEqualTo(8);
        assertThat(scan.pageSize()).isEqualTo(1000);
        assertThat(scan.consistentRead()).isTrue();
        assertThat(scan.readCapacityPerSecond()).isEqualTo(100);
        assertThat(scan.clockMarginMillis()).isEqualTo(2000);
        assertThatThrownBy(() -> JobConfig.from(with("table.Order_by_item", "snapshot", "copy")))
                .hasMessageContaining(
                        "table.Order_by_item / snapshot: must be one of [NONE, SCAN, EXPORT]");
        assertThatThrownBy(
                        () ->
                                JobConfig.from(
                                        with("table.Order_by_item", "snapshot.page-size", "10")))
                .hasMessage(
                        "configuration table.Order_by_item / snapshot.page-size: applies only with"
                                + " snapshot = scan");
        Map<String, Map<String, String>> bad = new HashMap<>();
        bad.put("table.Order_by_item", Map.of("snapshot", "scan", "snapshot.rcu-per-second", "0"));
        assertThatThrownBy(
                        () -> JobConfig.from(ApplicationProperties.withOverrides(shipped(), bad)))
                .hasMessageContaining("table.Order_by_item / snapshot.rcu-per-second: must be a");
    }

    private static JobConfig orders(Map<String, String> table) throws Exception {
        return JobConfig.from(
                ApplicationProperties.withOverrides(
                        shipped(), Map.of("table.Order_by_item", table)));
    }

    @Test
    void anExportSnapshotNamesOneExportAndTakesNoScanKeys() throws Exception {
        SnapshotSpec read =
                orders(
                                Map.of(
                                        "snapshot", "export",
                                        "snapshot.export.location",
                                                "s3://b/p/AWSDynamoDB/01764583200000-abcd1234/",
                                        "snapshot.clock-margin.ms", "500"))
                        .snapshotTables()
                        .get(0)
                        .snapshot();
        assertThat(read.kind()).isEqualTo(JobConfig.SnapshotKind.EXPORT);
        assertThat(read.exportLocation())
                .isEqualTo("s3://b/p/AWSDynamoDB/01764583200000-abcd1234/");
        assertThat(read.exportTo()).isNull();
        assertThat(read.clockMarginMillis()).isEqualTo(500);
        SnapshotSpec start =
                orders(Map.of("snapshot", "export", "snapshot.export.to", "s3://b/exports"))
                        .snapshotTables()
                        .get(0)
                        .snapshot();
        assertThat(start.exportTo()).isEqualTo("s3://b/exports");
        assertThat(start.exportTimeout()).hasHours(2);
        assertThat(
                        orders(Map.of("snapshot", "export", "snapshot.export.location", "/data/x/"))
                                .snapshotTables()
                                .get(0)
                                .snapshot()
                                .exportLocation())
                .isEqualTo("/data/x/");

        assertThatThrownBy(() -> orders(Map.of("snapshot", "export")))
                .hasMessage(
                        "configuration table.Order_by_item / snapshot.export.location: is required"
                                + " with snapshot = export, unless snapshot.export.to is set");
        assertThatThrownBy(
                        () ->
                                orders(
                                        Map.of(
                                                "snapshot", "export",
                                                "snapshot.export.location", "/x/",
                                                "snapshot.export.to", "s3://b")))
                .hasMessage(
                        "configuration table.Order_by_item / snapshot.export.location: set either"
                                + " it or snapshot.export.to, not both");
        assertThatThrownBy(
                        () ->
                                orders(
                                        Map.of(
                                                "snapshot", "export",
                                                "snapshot.export.location", "/x/",
                                                "snapshot.page-size", "10")))
                .hasMessage(
                        "configuration table.Order_by_item / snapshot.page-size: applies only with"
                                + " snapshot = scan");
        assertThatThrownBy(
                        () ->
                                orders(
                                        Map.of(
                                                "snapshot", "scan",
                                                "snapshot.export.location", "/x/")))
                .hasMessage(
                        "configuration table.Order_by_item / snapshot.export.location: applies only"
                                + " with snapshot = export");
        assertThatThrownBy(
                        () ->
                                orders(
                                        Map.of(
                                                "snapshot", "export",
                                                "snapshot.export.location", "/x/",
                                                "snapshot.export.timeout.ms", "1000")))
                .hasMessage(
                        "configuration table.Order_by_item / snapshot.export.timeout.ms: applies"
                                + " only with snapshot.export.to");
        assertThatThrownBy(
                        () ->
                                orders(
                                        Map.of(
                                                "snapshot", "export",
                                                "snapshot.export.to", "bucket/prefix")))
                .hasMessageContaining(
                        "table.Order_by_item / snapshot.export.to: must be s3://<bucket>[/prefix]");
        assertThatThrownBy(
                        () ->
                                orders(
                                        Map.of(
                                                "snapshot", "export",
                                                "snapshot.export.location", "s3://")))
                .hasMessageContaining("table.Order_by_item / snapshot.export.location: must be");
    }

    @Test
    void viewWritesAreImmediateWithSixteenInFlightUnlessConfigured() throws Exception {
        JobConfig shipped = JobConfig.from(shipped());
        assertThat(shipped.writeMode()).isEqualTo(JobConfig.WriteMode.IMMEDIATE);
        assertThat(shipped.writeMaxInFlight()).isEqualTo(16);
        assertThat(JobConfig.from(with("dynamodb", "write.mode", "on-checkpoint")).writeMode())
                .isEqualTo(JobConfig.WriteMode.ON_CHECKPOINT);
        assertThat(JobConfig.from(with("dynamodb", "write.max-in-flight", "1")).writeMaxInFlight())
                .isEqualTo(1);
        assertThatThrownBy(() -> JobConfig.from(with("dynamodb", "write.mode", "later")))
                .hasMessageContaining(
                        "dynamodb / write.mode: must be one of [IMMEDIATE, ON_CHECKPOINT]");
        assertThatThrownBy(() -> JobConfig.from(with("dynamodb", "write.max-in-flight", "0")))
                .hasMessageContaining(
                        "dynamodb / write.max-in-flight: must be a whole number from 1 to 256");
    }

    @Test
    void readsColumnsFromNestedAttributePaths() throws Exception {
        JobConfig c =
                JobConfig.from(
                        with("table.CustomerOrders", "column.city", "STRING FROM address.city"));
        ColumnSpec city =
                c.tables().stream()
                        .filter(t -> t.sqlName().equals("CustomerOrders"))
                        .findFirst()
                        .orElseThrow()
                        .columns()
                        .stream()
                        .filter(col -> col.name().equals("city"))
                        .findFirst()
                        .orElseThrow();
        assertThat(city.path()).containsExactly("address", "city");
    }

    @Test
    void aTableMayNameItsOwnStreamWithDynamoDbStreamsOnly() throws Exception {
        String arn =
                "arn:aws:dynamodb:us-east-1:123456789012:table/Order_by_item/stream/2026-01-31T00:00:00.000";
        Map<String, Properties> groups = with("table.Order_by_item", "stream.arn", arn);
        assertThatThrownBy(() -> JobConfig.from(groups))
                .hasMessage(
                        "configuration table.Order_by_item / stream.arn: applies only with source /"
                                + " type = dynamodb-streams");
        groups.get("source").setProperty("type", "dynamodb-streams");
        JobConfig config = JobConfig.from(groups);
        assertThat(config.stream()).isNull();
        assertThat(config.tables())
                .extracting(SourceTableSpec::streamArn)
                .containsOnlyOnce(arn)
                .containsOnly(arn, null);

        groups.get("table.Order_by_item")
                .setProperty("stream.arn", arn.replace("table/Order_by_item", "table/Orders"));
        assertThatThrownBy(() -> JobConfig.from(groups))
                .hasMessageStartingWith(
                        "configuration table.Order_by_item / stream.arn: must be a stream ARN of"
                                + " DynamoDB table Order_by_item");
        groups.get("table.Order_by_item").setProperty("stream.arn", "Order_by_item");
        assertThatThrownBy(() -> JobConfig.from(groups))
                .hasMessageContaining("table.Order_by_item / stream.arn: must be a stream ARN");
    }

    @Test
    void dynamoDbStreamsStartAtTheTrimHorizonOrTheLatestRecordOnly() throws Exception {
        Map<String, Properties> groups = with("source", "type", "dynamodb-streams");
        groups.get("source").setProperty("initial.position", "AT_TIMESTAMP");
        groups.get("source").setProperty("initial.timestamp", "2026-01-31T00:00:00Z");
        assertThatThrownBy(() -> JobConfig.from(groups))
                .hasMessage(
                        "configuration source / initial.position: DynamoDB Streams cannot be read"
                                + " from a timestamp: TRIM_HORIZON or LATEST");
        groups.get("source").setProperty("initial.position", "LATEST");
        groups.get("source").remove("initial.timestamp");
        assertThat(JobConfig.from(groups).sourceProperties().getProperty("flink.stream.initpos"))
                .isEqualTo("LATEST");
    }

    @Test
    void theSourceNoLongerTakesOneStreamArn() throws Exception {
        Map<String, Properties> groups = with("source", "type", "dynamodb-streams");
        groups.get("source")
                .setProperty(
                        "stream.arn", "arn:aws:dynamodb:us-east-1:1:table/Order_by_item/stream/x");
        assertThatThrownBy(() -> JobConfig.from(groups))
                .hasMessageStartingWith(
                        "configuration source / stream.arn: is not a known property");
    }
}
