package io.changeviews.connectors.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.DeadLetter;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.connectors.ddb.InvalidAttributeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one line of an export's data file, {@code {"Item":{<DynamoDB JSON attributes>}}}, into a
 * snapshot item stamped with the export time (minus the clock margin), or into a dead letter with
 * the line and why it is unusable (not JSON, no {@code Item}, a malformed attribute, a key
 * attribute missing).
 */
final class ExportLineDecoder {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final String table;
    private final List<String> keyNames;
    private final long snapshotTimeMicros;
    private final String file;

    ExportLineDecoder(String table, List<String> keyNames, long snapshotTimeMicros, String file) {
        this.table = table;
        this.keyNames = keyNames;
        this.snapshotTimeMicros = snapshotTimeMicros;
        this.file = file;
    }

    /** The record of line {@code number} (1-based) of the file. */
    SnapshotRecord decode(String line, long number) {
        try {
            JsonNode item = JSON.readTree(line).get("Item");
            if (item == null) {
                return failed(line, number, "no Item object");
            }
            Map<String, DdbValue> image = AttributeCodec.itemFromJson(item, "Item");
            Map<String, DdbValue> key = new LinkedHashMap<>();
            for (String k : keyNames) {
                DdbValue v = image.get(k);
                if (v == null) {
                    return failed(line, number, "key attribute " + k + " is missing");
                }
                key.put(k, v);
            }
            return SnapshotRecord.item(
                    ChangeEvent.snapshotItem(table, key, image, snapshotTimeMicros));
        } catch (InvalidAttributeException e) {
            return failed(line, number, e.getMessage());
        } catch (JsonProcessingException e) {
            return failed(line, number, "not JSON: " + e.getOriginalMessage());
        }
    }

    private SnapshotRecord failed(String line, long number, String reason) {
        return SnapshotRecord.deadLetter(
                table,
                new DeadLetter(
                        "export:" + table + "/" + file,
                        file + "#" + number,
                        "export item " + reason,
                        line));
    }
}
