package io.changeviews.connectors.ddb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Converts DynamoDB attribute values between {@link DdbValue}, DynamoDB JSON and the SDK's {@link
 * AttributeValue}.
 */
public final class AttributeCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AttributeCodec() {}

    /**
     * An item's attributes from a DynamoDB JSON object.
     *
     * @param path where the object is, for error messages (attribute paths extend it)
     */
    public static Map<String, DdbValue> itemFromJson(JsonNode object, String path)
            throws InvalidAttributeException {
        try (JsonParser p = object.traverse()) {
            p.nextToken();
            return DdbJsonReader.item(p, DdbJsonReader.Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a JSON tree", e);
        }
    }

    /**
     * An item's attributes from the DynamoDB JSON value at the parser's current token, without a
     * tree; the parser is left on the value's last token, also when the item is rejected, so that
     * the caller can go on reading the document.
     *
     * @param path where the object is, for error messages (attribute paths extend it)
     */
    public static Map<String, DdbValue> itemFromJson(JsonParser p, String path)
            throws IOException, InvalidAttributeException {
        JsonStreamContext outside =
                p.currentToken() == JsonToken.START_OBJECT
                        ? p.getParsingContext().getParent()
                        : p.getParsingContext();
        try {
            return DdbJsonReader.item(p, DdbJsonReader.Path.of(path));
        } catch (InvalidAttributeException e) {
            DdbJsonReader.skipTo(p, outside);
            throw e;
        }
    }

    /**
     * One typed attribute value from DynamoDB JSON; numbers may also be JSON numbers, and are read
     * as exact decimals. See {@link DdbJsonReader} for what is accepted beside the one descriptor.
     */
    public static DdbValue fromJson(JsonNode node, String path) throws InvalidAttributeException {
        try (JsonParser p = node.traverse()) {
            p.nextToken();
            return DdbJsonReader.value(p, DdbJsonReader.Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a JSON tree", e);
        }
    }

    /** The item as DynamoDB JSON text; null for an absent item (or image). */
    public static String toJsonText(Map<String, DdbValue> item) {
        return item == null ? null : toJson(item).toString();
    }

    /** The item as a DynamoDB JSON object. */
    public static ObjectNode toJson(Map<String, DdbValue> item) {
        ObjectNode out = NODES.objectNode();
        item.forEach((name, value) -> out.set(name, toJson(value)));
        return out;
    }

    /**
     * The value as DynamoDB JSON, e.g. {@code {"N":"12.5"}}: numbers in plain notation, binaries in
     * base64.
     */
    public static ObjectNode toJson(DdbValue value) {
        ObjectNode out = NODES.objectNode();
        String type = value.type().name();
        switch (value.type()) {
            case S:
                out.put(type, value.asString());
                break;
            case N:
            case B:
                out.put(type, value.toKeyString());
                break;
            case BOOL:
                out.put(type, value.asBoolean());
                break;
            case NULL:
                out.put(type, true);
                break;
            case L:
                ArrayNode list = out.putArray(type);
                value.asList().forEach(e -> list.add(toJson(e)));
                break;
            case M:
                out.set(type, toJson(value.asMap()));
                break;
            case SS:
                ArrayNode strings = out.putArray(type);
                value.asSet().forEach(e -> strings.add((String) e));
                break;
            case NS:
                ArrayNode numbers = out.putArray(type);
                value.asSet().forEach(e -> numbers.add(DdbValue.numberText((BigDecimal) e)));
                break;
            case BS:
                ArrayNode binaries = out.putArray(type);
                value.asSet()
                        .forEach(e -> binaries.add(Base64.getEncoder().encodeToString((byte[]) e)));
                break;
            default:
                throw new IllegalStateException("unknown type " + value.type());
        }
        return out;
    }

    public static Map<String, AttributeValue> toSdk(Map<String, DdbValue> item) {
        return mapValues(item, AttributeCodec::toSdk);
    }

    public static AttributeValue toSdk(DdbValue value) {
        switch (value.type()) {
            case S:
                return AttributeValue.fromS(value.asString());
            case N:
                return AttributeValue.fromN(value.toKeyString());
            case B:
                return AttributeValue.fromB(SdkBytes.fromByteArray(value.asBytes()));
            case BOOL:
                return AttributeValue.fromBool(value.asBoolean());
            case NULL:
                return AttributeValue.fromNul(true);
            case L:
                return AttributeValue.fromL(map(value.asList(), AttributeCodec::toSdk));
            case M:
                return AttributeValue.fromM(toSdk(value.asMap()));
            case SS:
                return AttributeValue.fromSs(map(value.asSet(), e -> (String) e));
            case NS:
                return AttributeValue.fromNs(
                        map(value.asSet(), e -> DdbValue.numberText((BigDecimal) e)));
            case BS:
                return AttributeValue.fromBs(
                        map(value.asSet(), e -> SdkBytes.fromByteArray((byte[]) e)));
            default:
                throw new IllegalStateException("unknown type " + value.type());
        }
    }

    public static Map<String, DdbValue> fromSdk(Map<String, AttributeValue> item) {
        return mapValues(item, AttributeCodec::fromSdk);
    }

    /**
     * The value in the job's model; an IllegalArgumentException for a value of no (or no known)
     * type, or an empty set.
     */
    public static DdbValue fromSdk(AttributeValue value) {
        switch (value.type()) {
            case S:
                return DdbValue.s(value.s());
            case N:
                return DdbValue.n(new BigDecimal(value.n()));
            case B:
                return DdbValue.b(value.b().asByteArray());
            case BOOL:
                return DdbValue.bool(value.bool());
            case NUL:
                return DdbValue.nul();
            case L:
                return DdbValue.l(map(value.l(), AttributeCodec::fromSdk));
            case M:
                return DdbValue.m(fromSdk(value.m()));
            case SS:
                return DdbValue.ss(value.ss());
            case NS:
                return DdbValue.ns(map(value.ns(), BigDecimal::new));
            case BS:
                return DdbValue.bs(map(value.bs(), SdkBytes::asByteArray));
            default:
                throw new IllegalArgumentException("attribute value of unknown type: " + value);
        }
    }

    /**
     * At most 100 characters of {@code s}, so a huge bad value does not make a huge error message.
     */
    public static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

    private static <T, R> List<R> map(List<T> in, Function<? super T, R> convert) {
        List<R> out = new ArrayList<>(in.size());
        for (T e : in) {
            out.add(convert.apply(e));
        }
        return out;
    }

    /** Keeps the attributes' order, which the DynamoDB JSON written from them shows. */
    private static <T, R> Map<String, R> mapValues(
            Map<String, T> in, Function<? super T, R> convert) {
        Map<String, R> out = new LinkedHashMap<>();
        in.forEach((name, value) -> out.put(name, convert.apply(value)));
        return out;
    }
}
