package io.changeviews.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.connectors.snapshot.ExportManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes a table's current items (a consistent Scan) in the layout of a DynamoDB export to S3 in
 * {@code DYNAMODB_JSON}, to a local folder or through the S3 API: {@code
 * <prefix>/AWSDynamoDB/<export id>/} with {@code manifest-summary.json}, {@code
 * manifest-files.json} and gzipped {@code data/*.json.gz} files of {@code {"Item":{...}}} lines,
 * the items spread over the files by key like partitions. DynamoDB Local cannot export; this stands
 * in for ExportTableToPointInTime in tests, the benchmark and local runs. The export time is when
 * the Scan starts, so the table must not change while it is written.
 */
public final class ExportWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient ddb;
    private final int dataFiles;

    /** What was written: the export's folder, its time and its items. */
    public static final class Export {
        public final String location;
        public final Instant exportTime;
        public final long items;
        public final int files;

        Export(String location, Instant exportTime, long items, int files) {
            this.location = location;
            this.exportTime = exportTime;
            this.items = items;
            this.files = files;
        }
    }

    /** Where the export's objects go, by key. */
    private interface Store {
        void put(String key, byte[] content);

        String location(String folderKey);
    }

    public ExportWriter(DynamoDbClient ddb, int dataFiles) {
        this.ddb = ddb;
        this.dataFiles = dataFiles;
    }

    /**
     * Exports {@code table} under the local folder {@code root}, with the key prefix {@code
     * prefix}.
     */
    public Export toFolder(String table, Path root, String prefix) {
        return write(
                table,
                prefix,
                new Store() {
                    @Override
                    public void put(String key, byte[] content) {
                        try {
                            Path file = root.resolve(key);
                            Files.createDirectories(file.getParent());
                            Files.write(file, content);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }

                    @Override
                    public String location(String folderKey) {
                        return root.resolve(folderKey).toUri().toString();
                    }
                });
    }

    /** Exports {@code table} to {@code s3://bucket/prefix/...} through {@code s3}. */
    public Export toS3(String table, S3Client s3, String bucket, String prefix) {
        return write(
                table,
                prefix,
                new Store() {
                    @Override
                    public void put(String key, byte[] content) {
                        s3.putObject(
                                b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
                    }

                    @Override
                    public String location(String folderKey) {
                        return "s3://" + bucket + "/" + folderKey;
                    }
                });
    }

    private Export write(String table, String prefix, Store store) {
        Instant exportTime = Instant.now();
        TableDescription description = ddb.describeTable(b -> b.tableName(table)).table();
        String exportId =
                String.format(
                        Locale.ROOT,
                        "%013d-%08x",
                        exportTime.toEpochMilli(),
                        new Random(exportTime.toEpochMilli()).nextInt());
        String folder = (prefix.isEmpty() ? "" : prefix + "/") + "AWSDynamoDB/" + exportId + "/";
        List<StringBuilder> files = new ArrayList<>();
        long[] counts = new long[dataFiles];
        for (int i = 0; i < dataFiles; i++) {
            files.add(new StringBuilder());
        }
        long items = 0;
        for (Map<String, AttributeValue> sdkItem :
                ddb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()) {
            Map<String, DdbValue> item = AttributeCodec.fromSdk(sdkItem);
            int file = Math.floorMod(keyOf(item, description).hashCode(), dataFiles);
            ObjectNode line = JSON.createObjectNode();
            line.set("Item", AttributeCodec.toJson(item));
            files.get(file).append(line).append('\n');
            counts[file]++;
            items++;
        }
        StringBuilder manifestFiles = new StringBuilder();
        for (int i = 0; i < dataFiles; i++) {
            String key =
                    folder
                            + ExportManifest.DATA_FOLDER
                            + String.format("%05d-%s.json.gz", i, exportId);
            byte[] gz = gzip(files.get(i).toString());
            store.put(key, gz);
            byte[] md5 = md5(gz);
            ObjectNode entry = JSON.createObjectNode();
            entry.put("itemCount", counts[i]);
            entry.put("md5Checksum", Base64.getEncoder().encodeToString(md5));
            entry.put("etag", String.format(Locale.ROOT, "%032x", new BigInteger(1, md5)));
            entry.put("dataFileS3Key", key);
            manifestFiles.append(entry).append('\n');
        }
        store.put(
                folder + ExportManifest.FILES,
                manifestFiles.toString().getBytes(StandardCharsets.UTF_8));
        ObjectNode summary = JSON.createObjectNode();
        summary.put("version", "2020-06-30");
        summary.put("exportArn", description.tableArn() + "/export/" + exportId);
        summary.put("startTime", exportTime.toString());
        summary.put("endTime", Instant.now().toString());
        summary.put("tableArn", description.tableArn());
        summary.put("tableId", description.tableId());
        summary.put("exportTime", exportTime.toString());
        summary.put("s3Prefix", prefix);
        summary.put("manifestFilesS3Key", folder + ExportManifest.FILES);
        summary.put("billedSizeBytes", 0);
        summary.put("itemCount", items);
        summary.put("outputFormat", ExportManifest.DYNAMODB_JSON);
        summary.put("exportType", ExportManifest.FULL_EXPORT);
        store.put(
                folder + ExportManifest.SUMMARY,
                summary.toString().getBytes(StandardCharsets.UTF_8));
        return new Export(store.location(folder), exportTime, items, dataFiles);
    }

    private static String keyOf(Map<String, DdbValue> item, TableDescription description) {
        Map<String, String> key = new TreeMap<>();
        description
                .keySchema()
                .forEach(
                        k -> key.put(k.attributeName(), item.get(k.attributeName()).toKeyString()));
        return key.toString();
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
