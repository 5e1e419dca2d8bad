package io.changeviews.connectors.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * An export folder for tests, written line by line so that a test can also write a broken one: the
 * data files of {@code table} (lines as given, gzipped) and the two manifests.
 */
final class ExportFolder {
    static final String TABLE = "Orders";
    static final String TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/" + TABLE;
    static final String EXPORT_TIME = "2026-12-01T10:00:00.250Z";

    final Path dir;
    private final List<String> files = new ArrayList<>();
    private long items;

    ExportFolder(Path parent) {
        this.dir = parent.resolve("prefix/AWSDynamoDB/01764583200000-abcd1234");
    }

    /** An item line with key {@code id} and a number {@code n}. */
    static String item(String id, int n) {
        return "{\"Item\":{\"id\":{\"S\":\"" + id + "\"},\"n\":{\"N\":\"" + n + "\"}}}";
    }

    /** A data file of these lines, listed with {@code listedItems} items. */
    ExportFolder dataFile(String name, long listedItems, String... lines) {
        try {
            Files.createDirectories(dir.resolve("data"));
            try (OutputStream out =
                    new GZIPOutputStream(Files.newOutputStream(dir.resolve("data/" + name)))) {
                for (String line : lines) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(
                "{\"itemCount\":"
                        + listedItems
                        + ",\"md5Checksum\":\"x\",\"etag\":\"y\",\"dataFileS3Key\":\"prefix/"
                        + dir.getParent().getFileName()
                        + "/"
                        + dir.getFileName()
                        + "/data/"
                        + name
                        + "\"}");
        items += listedItems;
        return this;
    }

    /** Both manifests of what was added, in the given format and of the given table. */
    ExportFolder manifests(String format, String tableArn) {
        String id = dir.getFileName().toString();
        String summary =
                "{\"version\":\"2020-06-30\",\"exportArn\":\""
                        + tableArn
                        + "/export/"
                        + id
                        + "\",\"startTime\":\"2026-12-01T10:00:01Z\",\"endTime\":\"2026-12-01T10:05:00Z\","
                        + "\"tableArn\":\""
                        + tableArn
                        + "\",\"tableId\":\"t\",\"exportTime\":\""
                        + EXPORT_TIME
                        + "\",\"s3Bucket\":\"b\",\"s3Prefix\":\"prefix\",\"s3SseAlgorithm\":\"AES256\","
                        + "\"s3SseKmsKeyId\":null,\"manifestFilesS3Key\":\"prefix/AWSDynamoDB/"
                        + id
                        + "/manifest-files.json\",\"billedSizeBytes\":0,\"itemCount\":"
                        + items
                        + ",\"outputFormat\":\""
                        + format
                        + "\"}";
        try {
            Files.createDirectories(dir);
            Files.write(
                    dir.resolve(ExportManifest.SUMMARY), summary.getBytes(StandardCharsets.UTF_8));
            Files.write(dir.resolve(ExportManifest.FILES), files, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ExportFolder manifests() {
        return manifests(ExportManifest.DYNAMODB_JSON, TABLE_ARN);
    }

    String location() {
        return dir.toUri().toString();
    }
}
