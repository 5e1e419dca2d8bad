package io.changeviews.connectors.ddb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
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
        if (!object.isObject()) {
            throw new InvalidAttributeException(path + " is not an object");
        }
        Map<String, DdbValue> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), fromJson(e.getValue(), path + "." + e.getKey()));
        }
        return out;
    }

    /**
     * One typed attribute value from DynamoDB JSON; numbers may also be JSON numbers, and are read
     * as exact decimals when the parser keeps them so. Serializers built on the AWS SDK v1 model
     * (the DynamoDB Streams adapter) may write every descriptor with empty sets beside the real
     * one, so null members and empty arrays are skipped when another descriptor is present.
     */
    public static DdbValue fromJson(JsonNode node, String path) throws InvalidAttributeException {
        if (node == null || !node.isObject() || node.size() == 0) {
            throw new InvalidAttributeException(path + ": not a typed attribute value");
        }
        String descriptor = null;
        JsonNode content = null;
        String emptyArrayDescriptor = null;
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (v.isArray() && v.size() == 0) {
                // Of the empty arrays only a list is a value: DynamoDB has no empty sets.
                if (!"L".equals(emptyArrayDescriptor)) {
                    emptyArrayDescriptor = e.getKey();
                }
                continue;
            }
            if (descriptor != null) {
                throw new InvalidAttributeException(
                        path
                                + ": more than one type descriptor ("
                                + descriptor
                                + ", "
                                + e.getKey()
                                + ")");
            }
            descriptor = e.getKey();
            content = v;
        }
        if (descriptor == null) {
            if (emptyArrayDescriptor == null) {
                throw new InvalidAttributeException(path + ": no type descriptor");
            }
            descriptor = emptyArrayDescriptor;
            content = node.get(emptyArrayDescriptor);
        }
        DdbValue.Type type;
        try {
            type = DdbValue.Type.valueOf(descriptor);
        } catch (IllegalArgumentException e) {
            throw new InvalidAttributeException(
                    path + ": unknown type descriptor " + abbreviate(descriptor));
        }
        switch (type) {
            case S:
                return DdbValue.s(textual(content, path));
            case N:
                return DdbValue.n(number(content, path));
            case B:
                return DdbValue.b(binary(content, path));
            case BOOL:
                if (!content.isBoolean()) {
                    throw new InvalidAttributeException(path + ": BOOL is not a boolean");
                }
                return DdbValue.bool(content.booleanValue());
            case NULL:
                return DdbValue.nul();
            case L:
                List<DdbValue> list = new ArrayList<>();
                for (JsonNode element : array(content, path)) {
                    list.add(fromJson(element, path + "[" + list.size() + "]"));
                }
                return DdbValue.l(list);
            case M:
                if (!content.isObject()) {
                    throw new InvalidAttributeException(path + ": M is not an object");
                }
                return DdbValue.m(itemFromJson(content, path));
            case SS:
                List<String> strings = new ArrayList<>();
                for (JsonNode element : set(content, type, path)) {
                    strings.add(textual(element, path));
                }
                return DdbValue.ss(strings);
            case NS:
                List<BigDecimal> numbers = new ArrayList<>();
                for (JsonNode element : set(content, type, path)) {
                    numbers.add(number(element, path));
                }
                return DdbValue.ns(numbers);
            case BS:
                List<byte[]> binaries = new ArrayList<>();
                for (JsonNode element : set(content, type, path)) {
                    binaries.add(binary(element, path));
                }
                return DdbValue.bs(binaries);
            default:
                throw new InvalidAttributeException(path + ": unsupported type " + type);
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

    private static JsonNode array(JsonNode node, String path) throws InvalidAttributeException {
        if (!node.isArray()) {
            throw new InvalidAttributeException(path + ": expected an array");
        }
        return node;
    }

    private static JsonNode set(JsonNode node, DdbValue.Type type, String path)
            throws InvalidAttributeException {
        if (array(node, path).size() == 0) {
            throw new InvalidAttributeException(
                    path + ": empty " + type + ", but DynamoDB has no empty sets");
        }
        return node;
    }

    private static String textual(JsonNode node, String path) throws InvalidAttributeException {
        if (!node.isTextual()) {
            throw new InvalidAttributeException(
                    path + ": expected a string, got " + node.getNodeType());
        }
        return node.textValue();
    }

    private static BigDecimal number(JsonNode node, String path) throws InvalidAttributeException {
        BigDecimal n;
        try {
            if (node.isNumber()) {
                n = node.decimalValue();
            } else if (node.isTextual()) {
                n = new BigDecimal(node.textValue());
            } else {
                throw new InvalidAttributeException(
                        path + ": expected a number, got " + node.getNodeType());
            }
        } catch (NumberFormatException e) {
            throw new InvalidAttributeException(
                    path + ": not a number: '" + abbreviate(node.asText()) + "'");
        }
        // DynamoDB itself holds no more: this also keeps absurd exponents from blowing up later
        // arithmetic.
        if (!DynamoDbLimits.fitsNumber(n)) {
            throw new InvalidAttributeException(
                    path
                            + ": "
                            + abbreviate(n.toString())
                            + " is not a DynamoDB number ("
                            + DynamoDbLimits.NUMBER_LIMITS
                            + ")");
        }
        return n;
    }

    private static byte[] binary(JsonNode node, String path) throws InvalidAttributeException {
        String text = textual(node, path);
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidAttributeException(path + ": B is not base64");
        }
    }
}
