package io.changeviews.connectors.change;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Map;

/**
 * Writes attribute maps back as DynamoDB JSON ({@code {"qty":{"N":"10"}}}), the wire format's own
 * typed notation, so an archived image keeps every type (sets, binaries, exact numbers).
 */
public final class DdbJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DdbJson() {}

    /** The item as DynamoDB JSON text; null for an absent image. */
    public static String toJson(Map<String, DdbValue> item) {
        return item == null ? null : map(item).toString();
    }

    private static ObjectNode map(Map<String, DdbValue> item) {
        ObjectNode out = JSON.createObjectNode();
        item.forEach((name, value) -> out.set(name, value(value)));
        return out;
    }

    private static ObjectNode value(DdbValue v) {
        ObjectNode out = NODES.objectNode();
        String type = v.type().name();
        switch (v.type()) {
            case S:
                out.put(type, v.asString());
                break;
            case N:
                out.put(type, v.toKeyString());
                break;
            case B:
                out.put(type, v.toKeyString());
                break;
            case BOOL:
                out.put(type, v.asBoolean());
                break;
            case NULL:
                out.put(type, true);
                break;
            case L:
                ArrayNode list = out.putArray(type);
                v.asList().forEach(e -> list.add(value(e)));
                break;
            case M:
                out.set(type, map(v.asMap()));
                break;
            case SS:
                ArrayNode strings = out.putArray(type);
                v.asSet().forEach(e -> strings.add((String) e));
                break;
            case NS:
                ArrayNode numbers = out.putArray(type);
                v.asSet()
                        .forEach(
                                e ->
                                        numbers.add(
                                                ((BigDecimal) e)
                                                        .stripTrailingZeros()
                                                        .toPlainString()));
                break;
            case BS:
                ArrayNode binaries = out.putArray(type);
                v.asSet()
                        .forEach(e -> binaries.add(Base64.getEncoder().encodeToString((byte[]) e)));
                break;
            default:
                throw new IllegalStateException("unknown type " + v.type());
        }
        return out;
    }
}
