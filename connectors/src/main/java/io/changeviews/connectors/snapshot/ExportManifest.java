package io.changeviews.connectors.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A full DynamoDB export to S3 in {@code DYNAMODB_JSON}, read from its folder ({@code
 * <prefix>/AWSDynamoDB/<export id>/}, on S3 or any Flink file system): {@value #SUMMARY} (the
 * export time, the table, the format, the item count) and {@value #FILES} (one line per gzipped
 * data file under {@code data/} with its item count). {@link #read} checks everything that can be
 * checked before a data file is read.
 */
public final class ExportManifest implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String SUMMARY = "manifest-summary.json";
    public static final String FILES = "manifest-files.json";
    public static final String DATA_FOLDER = "data/";
    public static final String DYNAMODB_JSON = "DYNAMODB_JSON";
    public static final String FULL_EXPORT = "FULL_EXPORT";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String location;
    private final String exportArn;
    private final String tableArn;
    private final Instant exportTime;
    private final long itemCount;
    private final List<DataFile> dataFiles;

    /** One data file of the export: its path, and the items the manifest says it holds. */
    public static final class DataFile implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String path;
        private final long itemCount;

        DataFile(String path, long itemCount) {
            this.path = path;
            this.itemCount = itemCount;
        }

        public String path() {
            return path;
        }

        /** The file's name, unique within the export: how a reader finds its entry. */
        public String name() {
            return new Path(path).getName();
        }

        public long itemCount() {
            return itemCount;
        }
    }

    private ExportManifest(
            String location,
            String exportArn,
            String tableArn,
            Instant exportTime,
            long itemCount,
            List<DataFile> dataFiles) {
        this.location = location;
        this.exportArn = exportArn;
        this.tableArn = tableArn;
        this.exportTime = exportTime;
        this.itemCount = itemCount;
        this.dataFiles = Collections.unmodifiableList(dataFiles);
    }

    /**
     * Reads and checks the export at {@code location} (its folder: {@code s3://bucket/prefix/
     * AWSDynamoDB/<id>/}, a {@code file:} URI or a local path) as a snapshot of {@code table}.
     *
     * @throws InvalidExportException if it is missing, not a full {@code DYNAMODB_JSON} export of
     *     {@code table}, or lists a data file that is not there
     */
    public static ExportManifest read(String location, String table) {
        String folder = location.endsWith("/") ? location : location + "/";
        try {
            FileSystem fs = new Path(folder).getFileSystem();
            JsonNode summary;
            try (FSDataInputStream in = open(fs, folder, SUMMARY)) {
                summary = JSON.readTree(in);
            }
            String inSummary = SUMMARY + " at " + folder;
            String format = text(summary, "outputFormat", inSummary);
            if (!DYNAMODB_JSON.equals(format)) {
                throw new InvalidExportException(
                        "the export at "
                                + folder
                                + " is in "
                                + format
                                + "; only "
                                + DYNAMODB_JSON
                                + " exports can be read");
            }
            JsonNode type = summary.get("exportType");
            if (type != null && !type.isNull() && !FULL_EXPORT.equals(type.asText())) {
                throw new InvalidExportException(
                        "the export at "
                                + folder
                                + " is an "
                                + type.asText()
                                + "; a snapshot needs a "
                                + FULL_EXPORT);
            }
            String tableArn = text(summary, "tableArn", inSummary);
            String exported = tableName(tableArn);
            if (!table.equals(exported)) {
                throw new InvalidExportException(
                        "the export at "
                                + folder
                                + " is of table "
                                + exported
                                + " ("
                                + tableArn
                                + "), not of "
                                + table);
            }
            Instant exportTime;
            try {
                exportTime = Instant.parse(text(summary, "exportTime", inSummary));
            } catch (DateTimeParseException e) {
                throw new InvalidExportException(
                        inSummary + ": exportTime is not an ISO-8601 time", e);
            }
            List<DataFile> files = dataFiles(fs, folder);
            long listed = files.stream().mapToLong(DataFile::itemCount).sum();
            JsonNode count = summary.get("itemCount");
            if (count != null && count.canConvertToLong() && count.asLong() != listed) {
                throw new InvalidExportException(
                        SUMMARY
                                + " at "
                                + folder
                                + " counts "
                                + count.asLong()
                                + " items, its data files in "
                                + FILES
                                + " "
                                + listed);
            }
            return new ExportManifest(
                    folder,
                    text(summary, "exportArn", inSummary),
                    tableArn,
                    exportTime,
                    listed,
                    files);
        } catch (IOException e) {
            throw new InvalidExportException(
                    "the export at " + folder + " cannot be read: " + e, e);
        }
    }

    private static List<DataFile> dataFiles(FileSystem fs, String folder) throws IOException {
        List<DataFile> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(open(fs, folder, FILES), StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.trim().isEmpty()) {
                    continue;
                }
                String where = FILES + " line " + number + " at " + folder;
                JsonNode entry;
                try {
                    entry = JSON.readTree(line);
                } catch (IOException e) {
                    throw new InvalidExportException(where + " is not JSON", e);
                }
                JsonNode count = entry.get("itemCount");
                if (count == null || !count.canConvertToLong() || count.asLong() < 0) {
                    throw new InvalidExportException(where + " has no itemCount");
                }
                // The key is the bucket's (with the export's prefix); the file sits in data/ of
                // this folder wherever the export was copied.
                String name = new Path(text(entry, "dataFileS3Key", where)).getName();
                if (!names.add(name)) {
                    throw new InvalidExportException(where + " lists " + name + " a second time");
                }
                Path path = new Path(folder + DATA_FOLDER + name);
                if (!fs.exists(path)) {
                    throw new InvalidExportException(
                            "data file "
                                    + DATA_FOLDER
                                    + name
                                    + " listed in "
                                    + FILES
                                    + " is missing at "
                                    + folder);
                }
                files.add(new DataFile(path.toString(), count.asLong()));
            }
        }
        if (files.isEmpty()) {
            throw new InvalidExportException(FILES + " at " + folder + " lists no data files");
        }
        return files;
    }

    private static FSDataInputStream open(FileSystem fs, String folder, String name)
            throws IOException {
        Path path = new Path(folder + name);
        if (!fs.exists(path)) {
            throw new InvalidExportException(name + " is missing at " + folder);
        }
        return fs.open(path);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidExportException(where + " has no " + field);
        }
        return v.asText();
    }

    /** {@code Name} of {@code arn:aws:dynamodb:<region>:<account>:table/Name}. */
    static String tableName(String tableArn) {
        int at = tableArn.indexOf(":table/");
        if (at < 0) {
            throw new InvalidExportException(
                    SUMMARY + ": tableArn " + tableArn + " is not a DynamoDB table's ARN");
        }
        String rest = tableArn.substring(at + ":table/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** The export's folder, ending in {@code /}. */
    public String location() {
        return location;
    }

    public String exportArn() {
        return exportArn;
    }

    public String tableArn() {
        return tableArn;
    }

    /** The point in time whose table state the export holds. */
    public Instant exportTime() {
        return exportTime;
    }

    /** The items of all data files. */
    public long itemCount() {
        return itemCount;
    }

    /** The data files in the manifest's order; a file's index is its snapshot segment. */
    public List<DataFile> dataFiles() {
        return dataFiles;
    }

    @Override
    public String toString() {
        return "export " + exportArn + " of " + exportTime + " (" + dataFiles.size() + " files)";
    }
}
