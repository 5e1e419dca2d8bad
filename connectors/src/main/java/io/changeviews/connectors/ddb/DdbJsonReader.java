package io.changeviews.connectors.ddb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads DynamoDB JSON straight off a parser, without building a tree first: the decoder's hot path
 * (the tree cost it as much as the rest of decoding together). A malformed attribute fails with its
 * path, which is built only then.
 *
 * <p>An attribute value's members are read in their order: null members are skipped, and of the
 * empty arrays only a list is a value, and only when no other descriptor is present (serializers
 * built on the AWS SDK v1 model write every descriptor, with empty sets, beside the real one). When
 * a value has several faults, a second descriptor is reported first, then an unknown descriptor,
 * then what its content is.
 */
final class DdbJsonReader {
    private DdbJsonReader() {}

    /**
     * The attributes of the object at the parser's current token, in their order; the parser is
     * left on the object's end.
     */
    static Map<String, DdbValue> item(JsonParser p, Path path)
            throws IOException, InvalidAttributeException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw new InvalidAttributeException(path + " is not an object");
        }
        Map<String, DdbValue> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            out.put(name, value(p, path.attribute(name)));
        }
        return out;
    }

    /**
     * The typed attribute value at the parser's current token; the parser is left on its last
     * token.
     */
    static DdbValue value(JsonParser p, Path path) throws IOException, InvalidAttributeException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw new InvalidAttributeException(path + ": not a typed attribute value");
        }
        JsonStreamContext members = p.getParsingContext();
        String descriptor = null;
        String unknown = null;
        String emptyArray = null;
        DdbValue value = null;
        InvalidAttributeException contentError = null;
        boolean empty = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            empty = false;
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            boolean inArray = false;
            if (t == JsonToken.START_ARRAY) {
                if (p.nextToken() == JsonToken.END_ARRAY) {
                    if (!"L".equals(emptyArray)) {
                        emptyArray = name;
                    }
                    continue;
                }
                inArray = true;
            }
            if (descriptor != null) {
                throw new InvalidAttributeException(
                        path
                                + ": more than one type descriptor ("
                                + descriptor
                                + ", "
                                + name
                                + ")");
            }
            descriptor = name;
            DdbValue.Type type = type(name);
            if (type == null) {
                unknown = name;
                skipTo(p, members);
                continue;
            }
            try {
                value = content(p, type, inArray, path);
            } catch (InvalidAttributeException e) {
                contentError = e;
                skipTo(p, members);
            }
        }
        if (empty) {
            throw new InvalidAttributeException(path + ": not a typed attribute value");
        }
        if (descriptor == null) {
            if (emptyArray == null) {
                throw new InvalidAttributeException(path + ": no type descriptor");
            }
            return emptyArrayValue(emptyArray, path);
        }
        if (unknown != null) {
            throw unknownDescriptor(unknown, path);
        }
        if (contentError != null) {
            throw contentError;
        }
        return value;
    }

    /**
     * The value of a descriptor whose content starts at the current token; {@code inArray}: the
     * content is a non-empty array whose first element is the current token.
     */
    private static DdbValue content(JsonParser p, DdbValue.Type type, boolean inArray, Path path)
            throws IOException, InvalidAttributeException {
        switch (type) {
            case S:
                return DdbValue.s(textual(p, inArray, path));
            case N:
                return DdbValue.n(number(p, inArray, path));
            case B:
                return DdbValue.b(binary(p, inArray, path));
            case BOOL:
                if (inArray || !p.currentToken().isBoolean()) {
                    throw new InvalidAttributeException(path + ": BOOL is not a boolean");
                }
                return DdbValue.bool(p.getBooleanValue());
            case NULL:
                if (inArray) {
                    skipArray(p);
                } else {
                    p.skipChildren();
                }
                return DdbValue.nul();
            case L:
                requireArray(inArray, path);
                List<DdbValue> list = new ArrayList<>();
                do {
                    list.add(value(p, path.element(list.size())));
                } while (p.nextToken() != JsonToken.END_ARRAY);
                return DdbValue.l(list);
            case M:
                if (inArray || p.currentToken() != JsonToken.START_OBJECT) {
                    throw new InvalidAttributeException(path + ": M is not an object");
                }
                return DdbValue.m(item(p, path));
            case SS:
                requireArray(inArray, path);
                List<String> strings = new ArrayList<>();
                do {
                    strings.add(textual(p, false, path));
                } while (p.nextToken() != JsonToken.END_ARRAY);
                return DdbValue.ss(strings);
            case NS:
                requireArray(inArray, path);
                List<BigDecimal> numbers = new ArrayList<>();
                do {
                    numbers.add(number(p, false, path));
                } while (p.nextToken() != JsonToken.END_ARRAY);
                return DdbValue.ns(numbers);
            case BS:
                requireArray(inArray, path);
                List<byte[]> binaries = new ArrayList<>();
                do {
                    binaries.add(binary(p, false, path));
                } while (p.nextToken() != JsonToken.END_ARRAY);
                return DdbValue.bs(binaries);
            default:
                throw new InvalidAttributeException(path + ": unsupported type " + type);
        }
    }

    /** A descriptor whose only content was an empty array. */
    private static DdbValue emptyArrayValue(String descriptor, Path path)
            throws InvalidAttributeException {
        DdbValue.Type type = type(descriptor);
        if (type == null) {
            throw unknownDescriptor(descriptor, path);
        }
        switch (type) {
            case L:
                return DdbValue.l(new ArrayList<>());
            case NULL:
                return DdbValue.nul();
            case SS:
            case NS:
            case BS:
                throw new InvalidAttributeException(
                        path + ": empty " + type + ", but DynamoDB has no empty sets");
            case S:
            case B:
                throw new InvalidAttributeException(path + ": expected a string, got ARRAY");
            case N:
                throw new InvalidAttributeException(path + ": expected a number, got ARRAY");
            case BOOL:
                throw new InvalidAttributeException(path + ": BOOL is not a boolean");
            case M:
                throw new InvalidAttributeException(path + ": M is not an object");
            default:
                throw new InvalidAttributeException(path + ": unsupported type " + type);
        }
    }

    private static DdbValue.Type type(String descriptor) {
        try {
            return DdbValue.Type.valueOf(descriptor);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InvalidAttributeException unknownDescriptor(String descriptor, Path path) {
        return new InvalidAttributeException(
                path + ": unknown type descriptor " + AttributeCodec.abbreviate(descriptor));
    }

    private static void requireArray(boolean inArray, Path path) throws InvalidAttributeException {
        if (!inArray) {
            throw new InvalidAttributeException(path + ": expected an array");
        }
    }

    private static String textual(JsonParser p, boolean inArray, Path path)
            throws IOException, InvalidAttributeException {
        if (inArray || p.currentToken() != JsonToken.VALUE_STRING) {
            throw new InvalidAttributeException(
                    path + ": expected a string, got " + (inArray ? "ARRAY" : kind(p)));
        }
        return p.getText();
    }

    private static BigDecimal number(JsonParser p, boolean inArray, Path path)
            throws IOException, InvalidAttributeException {
        JsonToken t = p.currentToken();
        BigDecimal n;
        if (!inArray && t.isNumeric()) {
            n = p.getDecimalValue();
        } else if (!inArray && t == JsonToken.VALUE_STRING) {
            String text = p.getText();
            try {
                n = new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw new InvalidAttributeException(
                        path + ": not a number: '" + AttributeCodec.abbreviate(text) + "'");
            }
        } else {
            throw new InvalidAttributeException(
                    path + ": expected a number, got " + (inArray ? "ARRAY" : kind(p)));
        }
        // DynamoDB itself holds no more: this also keeps absurd exponents from blowing up later
        // arithmetic.
        if (!DynamoDbLimits.fitsNumber(n)) {
            throw new InvalidAttributeException(
                    path
                            + ": "
                            + AttributeCodec.abbreviate(n.toString())
                            + " is not a DynamoDB number ("
                            + DynamoDbLimits.NUMBER_LIMITS
                            + ")");
        }
        return n;
    }

    private static byte[] binary(JsonParser p, boolean inArray, Path path)
            throws IOException, InvalidAttributeException {
        String text = textual(p, inArray, path);
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidAttributeException(path + ": B is not base64");
        }
    }

    /** The current token's kind as Jackson's tree names it, for messages. */
    private static String kind(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t.isNumeric()) {
            return "NUMBER";
        }
        if (t.isBoolean()) {
            return "BOOLEAN";
        }
        switch (t) {
            case VALUE_STRING:
                return "STRING";
            case VALUE_NULL:
                return "NULL";
            case START_ARRAY:
                return "ARRAY";
            case START_OBJECT:
                return "OBJECT";
            default:
                return t.name();
        }
    }

    /** Moves to the end of an array whose first element is the current token. */
    private static void skipArray(JsonParser p) throws IOException {
        do {
            p.skipChildren();
        } while (p.nextToken() != JsonToken.END_ARRAY);
    }

    /**
     * Reads on until the parser is back in {@code context}, wherever inside a value of it a fault
     * stopped reading: the value's last token is then the current one, and the rest of the document
     * can still be read.
     */
    static void skipTo(JsonParser p, JsonStreamContext context) throws IOException {
        while (p.getParsingContext() != context) {
            if (p.nextToken() == null) {
                return;
            }
        }
    }

    /** Where a value is, for messages: built into text only when one is needed. */
    static final class Path {
        private final Path parent;
        private final String name;
        private final int index;

        private Path(Path parent, String name, int index) {
            this.parent = parent;
            this.name = name;
            this.index = index;
        }

        static Path of(String root) {
            return new Path(null, root, -1);
        }

        Path attribute(String attribute) {
            return new Path(this, attribute, -1);
        }

        Path element(int i) {
            return new Path(this, null, i);
        }

        @Override
        public String toString() {
            if (parent == null) {
                return name;
            }
            String base = parent.toString();
            if (name == null) {
                return base + "[" + index + "]";
            }
            return base + "." + name;
        }
    }
}
