package io.changeviews.connectors.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changeviews.connectors.ddb.DdbValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChangeRecordDecoderTest {
    private final ChangeRecordDecoder decoder = new ChangeRecordDecoder();

    private static String kds(String eventName, String time, String precision, String images) {
        return "{\"awsRegion\":\"us-east-1\",\"eventID\":\"e-1\",\"eventName\":\""
                + eventName
                + "\",\"userIdentity\":null,\"recordFormat\":\"application/json\",\"tableName\":\"Order_by_item\","
                + "\"dynamodb\":{\"ApproximateCreationDateTime\":"
                + time
                + (precision == null
                        ? ""
                        : ",\"ApproximateCreationDateTimePrecision\":\"" + precision + "\"")
                + ",\"Keys\":{\"orderid\":{\"S\":\"o1\"},\"order_date\":{\"S\":\"2026-11-22T10:00:00\"}}"
                + images
                + ",\"SizeBytes\":120},\"eventSource\":\"aws:dynamodb\"}";
    }

    private ChangeEvent decode(String json) throws DecodeException {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8), null, "49000000000000000001");
    }

    @Test
    void decodesKdsInsertWithMillisecondsAndExactNumbers() throws Exception {
        ChangeEvent e =
                decode(
                        kds(
                                "INSERT",
                                "1763805600123",
                                null,
                                ",\"NewImage\":{\"orderid\":{\"S\":\"o1\"},\"quantity\":{\"N\":\"0.1000000000000000000000001\"}}"));
        assertThat(e.tableName()).isEqualTo("Order_by_item");
        assertThat(e.type()).isEqualTo(ChangeType.INSERT);
        assertThat(e.changeTimeMicros()).isEqualTo(1763805600123000L);
        assertThat(e.newImage().get("quantity").asNumber())
                .isEqualByComparingTo(new BigDecimal("0.1000000000000000000000001"));
        assertThat(e.oldImage()).isNull();
        assertThat(e.sequenceNumber()).isEqualTo("49000000000000000001");
        assertThat(e.eventId()).isEqualTo("e-1");
        assertThat(e.itemKey()).isEqualTo("30:order_date=2026-11-22T10:00:0010:orderid=o1");
    }

    @Test
    void acceptsMicrosecondsSecondsAndExplicitPrecision() throws Exception {
        String img = ",\"NewImage\":{\"a\":{\"S\":\"x\"}}";
        assertThat(decode(kds("MODIFY", "1763805600123456", "MICROSECOND", img)).changeTimeMicros())
                .isEqualTo(1763805600123456L);
        assertThat(decode(kds("MODIFY", "1763805600123456", null, img)).changeTimeMicros())
                .isEqualTo(1763805600123456L);
        assertThat(decode(kds("MODIFY", "1763805600", null, img)).changeTimeMicros())
                .isEqualTo(1763805600000000L);
        assertThat(decode(kds("MODIFY", "1763805600.5", null, img)).changeTimeMicros())
                .isEqualTo(1763805600500000L);
        assertThat(decode(kds("MODIFY", "1763805600123", "MILLISECOND", img)).changeTimeMicros())
                .isEqualTo(1763805600123000L);
    }

    @Test
    void decodesEveryAttributeType() throws Exception {
        ChangeEvent e =
                decode(
                        kds(
                                "INSERT",
                                "1763805600123",
                                null,
                                ",\"NewImage\":{"
                                    + "\"s\":{\"S\":\"t\u00e9xt\"},\"n\":{\"N\":\"-12.50\"},\"b\":{\"B\":\"AQID\"},\"t\":{\"BOOL\":true},"
                                    + "\"z\":{\"NULL\":true},\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]},"
                                    + "\"m\":{\"M\":{\"city\":{\"S\":\"Lyon\"}}},\"ss\":{\"SS\":[\"a\",\"b\"]},"
                                    + "\"ns\":{\"NS\":[\"1\",\"2.5\"]},\"bs\":{\"BS\":[\"AQ==\"]}}"));
        assertThat(e.newImage().get("s").asString()).isEqualTo("t\u00e9xt");
        assertThat(e.newImage().get("n").asNumber()).isEqualByComparingTo("-12.5");
        assertThat(e.newImage().get("b").asBytes()).containsExactly(1, 2, 3);
        assertThat(e.newImage().get("t").asBoolean()).isTrue();
        assertThat(e.newImage().get("z").type()).isEqualTo(DdbValue.Type.NULL);
        assertThat(e.newImage().get("l").asList())
                .containsExactly(DdbValue.s("a"), DdbValue.n(BigDecimal.ONE));
        assertThat(e.newImage().get("m").asMap().get("city")).isEqualTo(DdbValue.s("Lyon"));
        assertThat(e.newImage().get("ss").asSet()).isEqualTo(Arrays.asList("a", "b"));
        assertThat(e.newImage().get("ns").asSet()).hasSize(2);
        assertThat(e.newImage().get("bs").asSet()).hasSize(1);
    }

    @Test
    void readsSdkV1StyleValuesWithEmptyDescriptorsBesideTheRealOne() throws Exception {
        ChangeEvent e =
                decode(
                        kds(
                                "INSERT",
                                "1763805600123",
                                null,
                                ",\"NewImage\":{\"q\":{\"N\":\"3\",\"SS\":[],\"NS\":[],\"BS\":[],\"L\":[],\"S\":null},\"l\":{\"L\":[],\"SS\":[]}}"));
        assertThat(e.newImage().get("q").asNumber()).isEqualByComparingTo("3");
        assertThat(e.newImage().get("l").type()).isIn(DdbValue.Type.L, DdbValue.Type.SS);
    }

    @Test
    void recognisesTtlDeletesAndNewImageOnlyRemoves() throws Exception {
        String json =
                kds("REMOVE", "1763805600123", null, "")
                        .replace(
                                "\"userIdentity\":null",
                                "\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}");
        ChangeEvent e = decode(json);
        assertThat(e.type()).isEqualTo(ChangeType.REMOVE);
        assertThat(e.ttlDelete()).isTrue();
        assertThat(e.oldImage()).isNull();
        assertThat(decode(kds("REMOVE", "1763805600123", null, "")).ttlDelete()).isFalse();
    }

    @Test
    void usesTheConfiguredTableAndTheStreamSequenceNumberForDynamoDbStreamsRecords()
            throws Exception {
        String json =
                "{\"eventID\":\"x\",\"eventName\":\"MODIFY\",\"eventSource\":\"aws:dynamodb\",\"dynamodb\":{"
                    + "\"ApproximateCreationDateTime\":1763805600,\"Keys\":{\"id\":{\"N\":\"7\"}},"
                    + "\"NewImage\":{\"id\":{\"N\":\"7\"}},\"OldImage\":{\"id\":{\"N\":\"7\"}},"
                    + "\"SequenceNumber\":\"000000000000000000042\",\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}";
        ChangeEvent e =
                decoder.decode(json.getBytes(StandardCharsets.UTF_8), "Orders", "shard-seq");
        assertThat(e.tableName()).isEqualTo("Orders");
        assertThat(e.sequenceNumber()).isEqualTo("000000000000000000042");
        assertThat(e.changeTimeMicros()).isEqualTo(1763805600000000L);
    }

    @Test
    void rejectsBadRecordsWithAReason() {
        assertThatThrownBy(() -> decode("{not json")).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> decode("[1,2]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> decode(kds("UPSERT", "1763805600123", null, ",\"NewImage\":{}")))
                .hasMessageContaining("unknown eventName 'UPSERT'");
        assertThatThrownBy(() -> decode(kds("INSERT", "1763805600123", null, "")))
                .hasMessageContaining("INSERT without dynamodb.NewImage");
        assertThatThrownBy(() -> decode(kds("INSERT", "\"soon\"", null, ",\"NewImage\":{}")))
                .hasMessageContaining("ApproximateCreationDateTime is not a number");
        assertThatThrownBy(
                        () ->
                                decode(
                                        kds(
                                                "INSERT",
                                                "1763805600123",
                                                null,
                                                ",\"NewImage\":{\"q\":{\"N\":\"abc\"}}")))
                .hasMessageContaining("dynamodb.NewImage.q: not a number");
        assertThatThrownBy(
                        () ->
                                decode(
                                        kds(
                                                "INSERT",
                                                "1763805600123",
                                                null,
                                                ",\"NewImage\":{\"q\":{\"N\":\"1e999999999\"}}")))
                .hasMessageContaining("is not a DynamoDB number");
        assertThatThrownBy(() -> decode(kds("INSERT", "1e30", "MICROSECOND", ",\"NewImage\":{}")))
                .hasMessageContaining("after the year 9999");
        assertThatThrownBy(
                        () ->
                                decode(
                                        kds(
                                                "INSERT",
                                                "1763805600123",
                                                null,
                                                ",\"NewImage\":{\"q\":{\"X\":\"1\"}}")))
                .hasMessageContaining("unknown type descriptor X");
        assertThatThrownBy(
                        () ->
                                decode(
                                        kds(
                                                "INSERT",
                                                "1763805600123",
                                                null,
                                                ",\"NewImage\":{\"q\":{\"S\":1}}")))
                .hasMessageContaining("expected a string");
        assertThatThrownBy(
                        () ->
                                decode(
                                        kds("INSERT", "1763805600123", null, ",\"NewImage\":{}")
                                                .replace(
                                                        "\"Keys\":{\"orderid\":{\"S\":\"o1\"},\"order_date\":{\"S\":\"2026-11-22T10:00:00\"}}",
                                                        "\"Keys\":{}")))
                .hasMessageContaining("missing dynamodb.Keys");
        assertThatThrownBy(
                        () ->
                                decode(
                                        kds("INSERT", "1763805600123", null, ",\"NewImage\":{}")
                                                .replace("\"tableName\":\"Order_by_item\",", "")))
                .hasMessageContaining("missing tableName");
    }

    @Test
    void readsOnPastABadImageAndNamesTheFirstFaultInCheckOrder() throws Exception {
        // The bad image comes first in the record; the fields after it are still read, so the
        // missing tableName (checked first) is what the record is rejected for.
        String badNewImageFirst =
                "{\"dynamodb\":{\"NewImage\":{\"q\":{\"L\":[{\"M\":{\"x\":{\"N\":\"abc\"}}}]},"
                        + "\"r\":{\"S\":\"after\"}},\"ApproximateCreationDateTime\":1763805600123,"
                        + "\"Keys\":{\"id\":{\"S\":\"o1\"}}},\"eventName\":\"INSERT\"}";
        assertThatThrownBy(() -> decode(badNewImageFirst)).hasMessage("missing tableName");
        assertThatThrownBy(
                        () ->
                                decode(
                                        badNewImageFirst.replace(
                                                "{\"dynamodb\"",
                                                "{\"tableName\":\"T\",\"dynamodb\"")))
                .hasMessage("dynamodb.NewImage.q[0].x: not a number: 'abc'");
        ChangeEvent e =
                decode(
                        "{\"x\":[1,{\"y\":[]}],\"tableName\":\"T\",\"eventName\":\"REMOVE\","
                            + "\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"},"
                            + "\"dynamodb\":{\"Keys\":{\"id\":{\"N\":\"7\"}},\"NewImage\":null,"
                            + "\"ApproximateCreationDateTime\":\"1763805600\",\"SequenceNumber\":\"42\"}}");
        assertThat(e.type()).isEqualTo(ChangeType.REMOVE);
        assertThat(e.ttlDelete()).isTrue();
        assertThat(e.newImage()).isNull();
        assertThat(e.sequenceNumber()).isEqualTo("42");
        assertThat(e.changeTimeMicros()).isEqualTo(1763805600_000_000L);
        assertThatThrownBy(() -> decode("[1]")).hasMessage("record is not a JSON object");
        assertThatThrownBy(() -> decode("")).hasMessage("record is not a JSON object");
        assertThatThrownBy(() -> decode("{\"tableName\":\"T\",\"dynamodb\":{\"Keys\":{\"a\":"))
                .hasMessageContaining("malformed JSON");
    }

    @Test
    void decodesItemsNearTheFourHundredKilobyteLimit() throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 399_000; i++) {
            big.append((char) ('a' + i % 26));
        }
        ChangeEvent e =
                decode(
                        kds(
                                "INSERT",
                                "1763805600123",
                                null,
                                ",\"NewImage\":{\"body\":{\"S\":\"" + big + "\"}}"));
        assertThat(e.newImage().get("body").asString()).hasSize(399_000);
    }

    @Test
    void rejectsAnImageOverTheFourHundredKilobyteLimitAndKeepsTwoImagesJustUnder()
            throws Exception {
        String under = "x".repeat(409_000);
        ChangeEvent both =
                decode(
                        kds(
                                "MODIFY",
                                "1763805600123",
                                null,
                                ",\"NewImage\":{\"body\":{\"S\":\""
                                        + under
                                        + "\"}},\"OldImage\":{\"body\":{\"S\":\""
                                        + under
                                        + "y\"}}"));
        assertThat(both.oldImage().get("body").asString()).hasSize(409_001);
        String over = "x".repeat(410_000);
        assertThatThrownBy(
                        () ->
                                decode(
                                        kds(
                                                "INSERT",
                                                "1763805600123",
                                                null,
                                                ",\"NewImage\":{\"body\":{\"S\":\""
                                                        + over
                                                        + "\"}}")))
                .isInstanceOf(DecodeException.class)
                .hasMessage(
                        "dynamodb.NewImage of 410004 bytes is over DynamoDB's 400 KB item limit");
    }
}
