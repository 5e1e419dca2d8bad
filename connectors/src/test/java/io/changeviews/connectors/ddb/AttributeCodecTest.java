package io.changeviews.connectors.ddb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every attribute type both ways through DynamoDB JSON and the SDK, and what DynamoDB would not
 * hold.
 */
class AttributeCodecTest {
    // As the decoder reads records: JSON numbers stay exact decimals.
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One value of every type, lists and maps nested in each other. */
    private static Map<String, DdbValue> everyType() {
        Map<String, DdbValue> inner = new LinkedHashMap<>();
        inner.put("city", DdbValue.s("Lyon"));
        inner.put(
                "codes",
                DdbValue.l(
                        Arrays.asList(
                                DdbValue.n(new BigDecimal("69001")),
                                DdbValue.m(Collections.emptyMap()))));
        Map<String, DdbValue> item = new LinkedHashMap<>();
        item.put("s", DdbValue.s("t\u00e9xt"));
        item.put("n", DdbValue.n(new BigDecimal("-12.50")));
        item.put("b", DdbValue.b(new byte[] {1, 2, 3}));
        item.put("t", DdbValue.bool(true));
        item.put("z", DdbValue.nul());
        item.put(
                "l",
                DdbValue.l(
                        Arrays.asList(
                                DdbValue.s("a"),
                                DdbValue.l(Collections.emptyList()),
                                DdbValue.m(inner))));
        item.put("m", DdbValue.m(inner));
        item.put("ss", DdbValue.ss(Arrays.asList("a", "b")));
        item.put("ns", DdbValue.ns(Arrays.asList(BigDecimal.ONE, new BigDecimal("2.5"))));
        item.put("bs", DdbValue.bs(Arrays.asList(new byte[] {1}, new byte[] {2, 3})));
        return item;
    }

    private static final String EVERY_TYPE_JSON =
            "{\"s\":{\"S\":\"t\u00e9xt\"},\"n\":{\"N\":\"-12.5\"},\"b\":{\"B\":\"AQID\"},"
                + "\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true},"
                + "\"l\":{\"L\":[{\"S\":\"a\"},{\"L\":[]},{\"M\":{\"city\":{\"S\":\"Lyon\"},\"codes\":{\"L\":[{\"N\":\"69001\"},{\"M\":{}}]}}}]},"
                + "\"m\":{\"M\":{\"city\":{\"S\":\"Lyon\"},\"codes\":{\"L\":[{\"N\":\"69001\"},{\"M\":{}}]}}},"
                + "\"ss\":{\"SS\":[\"a\",\"b\"]},\"ns\":{\"NS\":[\"1\",\"2.5\"]},\"bs\":{\"BS\":[\"AQ==\",\"AgM=\"]}}";

    private static Map<String, DdbValue> itemFromJson(String json) throws Exception {
        return AttributeCodec.itemFromJson(JSON.readTree(json), "img");
    }

    private static DdbValue fromJson(String json) throws Exception {
        return AttributeCodec.fromJson(JSON.readTree(json), "img.a");
    }

    @Test
    void readsEveryTypeFromJson() throws Exception {
        Map<String, DdbValue> item = itemFromJson(EVERY_TYPE_JSON);
        assertThat(item).isEqualTo(everyType());
        assertThat(item.keySet())
                .as("in the record's order")
                .containsExactly("s", "n", "b", "t", "z", "l", "m", "ss", "ns", "bs");
        assertThat(item.get("b").asBytes()).containsExactly(1, 2, 3);
        assertThat(item.get("bs").asSet())
                .satisfiesExactly(
                        e -> assertThat((byte[]) e).containsExactly(1),
                        e -> assertThat((byte[]) e).containsExactly(2, 3));
        assertThat(item.get("l").asList().get(2).asMap().get("codes").asList().get(1).asMap())
                .isEmpty();
    }

    @Test
    void writesEveryTypeAsJson() {
        assertThat(AttributeCodec.toJsonText(everyType())).isEqualTo(EVERY_TYPE_JSON);
        assertThat(AttributeCodec.toJson(DdbValue.n(new BigDecimal("1.5E+3"))).toString())
                .isEqualTo("{\"N\":\"1500\"}");
        assertThat(AttributeCodec.toJson(DdbValue.n(new BigDecimal("0.000"))).toString())
                .isEqualTo("{\"N\":\"0\"}");
        assertThat(
                        AttributeCodec.toJson(
                                        DdbValue.ns(
                                                Arrays.asList(
                                                        new BigDecimal("2.50"),
                                                        new BigDecimal("3E+2"))))
                                .toString())
                .isEqualTo("{\"NS\":[\"2.5\",\"300\"]}");
        assertThat(AttributeCodec.toJsonText(null)).as("an absent image").isNull();
    }

    @Test
    void jsonRoundTripsEveryType() throws Exception {
        assertThat(itemFromJson(AttributeCodec.toJsonText(everyType()))).isEqualTo(everyType());
        assertThat(AttributeCodec.toJsonText(itemFromJson(EVERY_TYPE_JSON)))
                .isEqualTo(EVERY_TYPE_JSON);
    }

    @Test
    void convertsEveryTypeToTheSdk() {
        Map<String, AttributeValue> inner = new LinkedHashMap<>();
        inner.put("city", AttributeValue.fromS("Lyon"));
        inner.put(
                "codes",
                AttributeValue.fromL(
                        Arrays.asList(
                                AttributeValue.fromN("69001"),
                                AttributeValue.fromM(Collections.emptyMap()))));
        Map<String, AttributeValue> sdk = AttributeCodec.toSdk(everyType());
        assertThat(sdk.keySet())
                .containsExactly("s", "n", "b", "t", "z", "l", "m", "ss", "ns", "bs");
        assertThat(sdk.get("s")).isEqualTo(AttributeValue.fromS("t\u00e9xt"));
        assertThat(sdk.get("n")).isEqualTo(AttributeValue.fromN("-12.5"));
        assertThat(sdk.get("b"))
                .isEqualTo(AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2, 3})));
        assertThat(sdk.get("t")).isEqualTo(AttributeValue.fromBool(true));
        assertThat(sdk.get("z")).isEqualTo(AttributeValue.fromNul(true));
        assertThat(sdk.get("l"))
                .isEqualTo(
                        AttributeValue.fromL(
                                Arrays.asList(
                                        AttributeValue.fromS("a"),
                                        AttributeValue.fromL(Collections.emptyList()),
                                        AttributeValue.fromM(inner))));
        assertThat(sdk.get("m")).isEqualTo(AttributeValue.fromM(inner));
        assertThat(sdk.get("ss")).isEqualTo(AttributeValue.fromSs(Arrays.asList("a", "b")));
        assertThat(sdk.get("ns")).isEqualTo(AttributeValue.fromNs(Arrays.asList("1", "2.5")));
        assertThat(sdk.get("bs"))
                .isEqualTo(
                        AttributeValue.fromBs(
                                Arrays.asList(
                                        SdkBytes.fromByteArray(new byte[] {1}),
                                        SdkBytes.fromByteArray(new byte[] {2, 3}))));
        assertThat(AttributeCodec.toSdk(DdbValue.n(new BigDecimal("1E+3"))))
                .as("plain notation")
                .isEqualTo(AttributeValue.fromN("1000"));
    }

    @Test
    void readsEveryTypeFromTheSdk() {
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromS("x"))).isEqualTo(DdbValue.s("x"));
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromN("1E+3")).asNumber())
                .isEqualByComparingTo("1000");
        assertThat(
                        AttributeCodec.fromSdk(AttributeValue.fromN("0.1000000000000000000000001"))
                                .asNumber())
                .isEqualTo(new BigDecimal("0.1000000000000000000000001"));
        assertThat(
                        AttributeCodec.fromSdk(
                                        AttributeValue.fromB(
                                                SdkBytes.fromByteArray(new byte[] {7})))
                                .asBytes())
                .containsExactly(7);
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromBool(false)))
                .isEqualTo(DdbValue.bool(false));
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromNul(true))).isEqualTo(DdbValue.nul());
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromL(Collections.emptyList())))
                .isEqualTo(DdbValue.l(Collections.emptyList()));
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromM(Collections.emptyMap())))
                .isEqualTo(DdbValue.m(Collections.emptyMap()));
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromSs(Arrays.asList("a"))))
                .isEqualTo(DdbValue.ss(Arrays.asList("a")));
        assertThat(AttributeCodec.fromSdk(AttributeValue.fromNs(Arrays.asList("2.5"))))
                .isEqualTo(DdbValue.ns(Arrays.asList(new BigDecimal("2.5"))));
        assertThat(
                        AttributeCodec.fromSdk(
                                AttributeValue.fromBs(
                                        Arrays.asList(SdkBytes.fromByteArray(new byte[] {9})))))
                .isEqualTo(DdbValue.bs(Arrays.asList(new byte[] {9})));
        assertThat(AttributeCodec.fromSdk(AttributeCodec.toSdk(everyType())))
                .isEqualTo(everyType());
        assertThatThrownBy(() -> AttributeCodec.fromSdk(AttributeValue.builder().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown type");
    }

    @Test
    void sdkToJsonIsWhatDynamoDbJsonSays() throws Exception {
        Map<String, AttributeValue> sdk = AttributeCodec.toSdk(itemFromJson(EVERY_TYPE_JSON));
        assertThat(AttributeCodec.toJsonText(AttributeCodec.fromSdk(sdk)))
                .isEqualTo(EVERY_TYPE_JSON);
    }

    @Test
    void keepsNumbersExactAndAcceptsThemAsJsonNumbers() throws Exception {
        assertThat(fromJson("{\"N\":\"0.1000000000000000000000001\"}").asNumber())
                .isEqualTo(new BigDecimal("0.1000000000000000000000001"));
        assertThat(fromJson("{\"N\":0.1000000000000000000000001}").asNumber())
                .isEqualTo(new BigDecimal("0.1000000000000000000000001"));
        assertThat(fromJson("{\"NS\":[\"1\",2.5]}").asSet())
                .isEqualTo(Arrays.asList(BigDecimal.ONE, new BigDecimal("2.5")));
    }

    @Test
    void acceptsNumbersAtDynamoDbsLimitsAndRejectsThoseBeyond() throws Exception {
        for (String n :
                Arrays.asList(
                        "9".repeat(38),
                        "-" + "9".repeat(38),
                        "1E-130",
                        "-1E-130",
                        "9." + "9".repeat(37) + "E125",
                        "0",
                        "0E-999")) {
            assertThat(fromJson("{\"N\":\"" + n + "\"}").asNumber()).as(n).isEqualByComparingTo(n);
        }
        for (String n :
                Arrays.asList(
                        "1" + "0".repeat(37) + "1", "1E-131", "1E126", "-1E126", "1e999999999")) {
            assertThatThrownBy(() -> fromJson("{\"N\":\"" + n + "\"}"))
                    .as(n)
                    .isInstanceOf(InvalidAttributeException.class)
                    .hasMessageStartingWith("img.a: ")
                    .hasMessageEndingWith(" is not a DynamoDB number (38 digits, 1E-130 to 1E126)");
        }
        assertThatThrownBy(() -> fromJson("{\"NS\":[\"1\",\"1E126\"]}"))
                .hasMessageContaining("is not a DynamoDB number");
    }

    @Test
    void rejectsEmptySetsAsDynamoDbDoes() {
        for (String type : Arrays.asList("SS", "NS", "BS")) {
            assertThatThrownBy(() -> fromJson("{\"" + type + "\":[]}"))
                    .isInstanceOf(InvalidAttributeException.class)
                    .hasMessage("img.a: empty " + type + ", but DynamoDB has no empty sets");
        }
        assertThatThrownBy(() -> DdbValue.ss(Collections.emptyList()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DdbValue.ns(Collections.emptyList()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DdbValue.bs(Collections.emptyList()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                AttributeCodec.fromSdk(
                                        AttributeValue.fromSs(Collections.emptyList())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no empty sets");
    }

    @Test
    void skipsTheEmptyDescriptorsOfSdkV1Serializers() throws Exception {
        assertThat(fromJson("{\"N\":\"3\",\"SS\":[],\"NS\":[],\"BS\":[],\"L\":[],\"S\":null}"))
                .isEqualTo(DdbValue.n(BigDecimal.valueOf(3)));
        assertThat(fromJson("{\"L\":[],\"SS\":[]}"))
                .as("an empty list, not an empty set")
                .isEqualTo(DdbValue.l(Collections.emptyList()));
        assertThat(fromJson("{\"SS\":[],\"NS\":[],\"L\":[],\"BS\":[]}"))
                .isEqualTo(DdbValue.l(Collections.emptyList()));
        assertThat(fromJson("{\"SS\":[\"x\"],\"L\":[],\"M\":null}"))
                .isEqualTo(DdbValue.ss(Arrays.asList("x")));
    }

    @Test
    void namesTheAttributePathOfWhatItRejects() {
        assertThatThrownBy(
                        () ->
                                itemFromJson(
                                        "{\"a\":{\"M\":{\"b\":{\"L\":[{\"S\":\"x\"},{\"N\":\"abc\"}]}}}}"))
                .isInstanceOf(InvalidAttributeException.class)
                .hasMessage("img.a.b[1]: not a number: 'abc'");
        assertThatThrownBy(() -> itemFromJson("[]")).hasMessage("img is not an object");
        String[][] cases = {
            {"\"x\"", "not a typed attribute value"},
            {"{}", "not a typed attribute value"},
            {"{\"S\":null}", "no type descriptor"},
            {"{\"S\":\"x\",\"N\":\"1\"}", "more than one type descriptor (S, N)"},
            {"{\"X\":\"1\"}", "unknown type descriptor X"},
            {
                "{\"" + "X".repeat(150) + "\":\"1\"}",
                "unknown type descriptor " + "X".repeat(100) + "\u2026"
            },
            {"{\"S\":1}", "expected a string, got NUMBER"},
            {"{\"N\":true}", "expected a number, got BOOLEAN"},
            {"{\"B\":\"not base64!\"}", "B is not base64"},
            {"{\"BS\":[\"AQ==\",\"?\"]}", "B is not base64"},
            {"{\"BOOL\":\"true\"}", "BOOL is not a boolean"},
            {"{\"M\":[1]}", "M is not an object"},
            {"{\"L\":{}}", "expected an array"},
            {"{\"SS\":\"a\"}", "expected an array"},
            {"{\"SS\":[\"a\",1]}", "expected a string, got NUMBER"},
            // A fault deep inside the first descriptor's content: the second one is still seen.
            {
                "{\"L\":[{\"M\":{\"x\":{\"N\":\"abc\"}}}],\"S\":\"a\"}",
                "more than one type descriptor (L, S)"
            },
            {"{\"X\":[1,[2]],\"SS\":[]}", "unknown type descriptor X"},
            {"{\"S\":[]}", "expected a string, got ARRAY"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> fromJson(c[0]))
                    .as(c[0])
                    .isInstanceOf(InvalidAttributeException.class)
                    .hasMessage("img.a: " + c[1]);
        }
    }

    @Test
    void abbreviatesLongValuesInMessages() {
        assertThat(AttributeCodec.abbreviate("x".repeat(100))).isEqualTo("x".repeat(100));
        assertThat(AttributeCodec.abbreviate("x".repeat(101))).isEqualTo("x".repeat(100) + "…");
    }

    @Test
    void listsKeepTheirOrderAndDuplicates() throws Exception {
        List<DdbValue> list =
                fromJson("{\"L\":[{\"N\":\"2\"},{\"N\":\"1\"},{\"N\":\"2\"}]}").asList();
        assertThat(list).extracting(DdbValue::toKeyString).containsExactly("2", "1", "2");
    }
}
