package io.changeviews.job.bootstrap;

import io.changeviews.connectors.aws.AwsErrors;
import io.changeviews.connectors.snapshot.ExportManifest;
import io.changeviews.connectors.snapshot.ExportStarter;
import io.changeviews.connectors.snapshot.InvalidExportException;
import io.changeviews.job.config.ConfigException;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SnapshotSpec;
import io.changeviews.job.config.SourceTableSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The export a table is bootstrapped from, resolved where the job is built, before anything is
 * written: the export started and waited for if the configuration asks so, its manifests read and
 * checked, and the table's key attributes (the export's items do not say which they are). Every
 * problem is a {@link ConfigException} naming the property.
 */
public final class TableExport {
    private final ExportManifest manifest;
    private final List<String> keyNames;
    private final String property;

    private TableExport(ExportManifest manifest, List<String> keyNames, String property) {
        this.manifest = manifest;
        this.keyNames = keyNames;
        this.property = property;
    }

    /** Resolves the export of {@code table}, asking DynamoDB through {@code ddb}. */
    public static TableExport resolve(
            SourceTableSpec table, DynamoDbAsyncClient ddb, Duration exportPoll) {
        SnapshotSpec s = table.snapshot();
        String group = JobConfig.TABLE_PREFIX + table.sqlName();
        if (s.exportTo() == null) {
            ExportManifest manifest =
                    manifest(table, s.exportLocation(), JobConfig.SNAPSHOT_EXPORT_LOCATION);
            return new TableExport(
                    manifest,
                    keyNames(describe(table, ddb)),
                    group + " / " + JobConfig.SNAPSHOT_EXPORT_LOCATION);
        }
        TableDescription description = describe(table, ddb);
        String to = s.exportTo().substring("s3://".length());
        int slash = to.indexOf('/');
        String location;
        try {
            location =
                    new ExportStarter(ddb, exportPoll)
                            .export(
                                    description.tableArn(),
                                    slash < 0 ? to : to.substring(0, slash),
                                    slash < 0 ? "" : trimSlashes(to.substring(slash + 1)),
                                    s.exportTimeout());
        } catch (InvalidExportException e) {
            throw new ConfigException(group, JobConfig.SNAPSHOT_EXPORT_TO, e.getMessage());
        }
        return new TableExport(
                manifest(table, location, JobConfig.SNAPSHOT_EXPORT_TO),
                keyNames(description),
                group + " / " + JobConfig.SNAPSHOT_EXPORT_TO);
    }

    /**
     * The manifest of the export at {@code location} as {@code table}'s snapshot; a {@link
     * ConfigException} on {@code property} if it is unfit.
     */
    public static ExportManifest manifest(SourceTableSpec table, String location, String property) {
        try {
            return ExportManifest.read(location, table.dynamoDbTable());
        } catch (InvalidExportException e) {
            throw new ConfigException(
                    JobConfig.TABLE_PREFIX + table.sqlName(), property, e.getMessage());
        }
    }

    private static TableDescription describe(SourceTableSpec table, DynamoDbAsyncClient ddb) {
        try {
            return ddb.describeTable(b -> b.tableName(table.dynamoDbTable())).join().table();
        } catch (CompletionException e) {
            throw new ConfigException(
                    JobConfig.TABLE_PREFIX + table.sqlName(),
                    JobConfig.TABLE_DYNAMODB_NAME,
                    "DescribeTable of "
                            + table.dynamoDbTable()
                            + " failed: "
                            + AwsErrors.unwrap(e));
        }
    }

    private static List<String> keyNames(TableDescription description) {
        List<String> names = new ArrayList<>();
        for (KeySchemaElement k : description.keySchema()) {
            names.add(k.attributeName());
        }
        return Collections.unmodifiableList(names);
    }

    private static String trimSlashes(String prefix) {
        return prefix.replaceAll("^/+|/+$", "");
    }

    public ExportManifest manifest() {
        return manifest;
    }

    /** The table's key attributes, partition key first. */
    public List<String> keyNames() {
        return keyNames;
    }

    /** {@code table.<Name> / <key>}: the property that named the export, for messages. */
    public String property() {
        return property;
    }
}
