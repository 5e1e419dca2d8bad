package io.changeviews.local;

import io.changeviews.connectors.change.DdbValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts items between the job's {@link DdbValue} model and the AWS SDK's attribute values. */
public final class SdkItems {
    private SdkItems() {}

    public static Map<String, AttributeValue> toSdk(Map<String, DdbValue> item) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(k, toSdk(v)));
        return out;
    }

    public static AttributeValue toSdk(DdbValue v) {
        switch (v.type()) {
            case S:
                return AttributeValue.fromS(v.asString());
            case N:
                return AttributeValue.fromN(v.asNumber().toPlainString());
            case B:
                return AttributeValue.fromB(SdkBytes.fromByteArray(v.asBytes()));
            case BOOL:
                return AttributeValue.fromBool(v.asBoolean());
            case NULL:
                return AttributeValue.fromNul(true);
            case L:
                List<AttributeValue> list = new ArrayList<>();
                v.asList().forEach(e -> list.add(toSdk(e)));
                return AttributeValue.fromL(list);
            case M:
                return AttributeValue.fromM(toSdk(v.asMap()));
            case SS:
                List<String> ss = new ArrayList<>();
                v.asSet().forEach(e -> ss.add((String) e));
                return AttributeValue.fromSs(ss);
            case NS:
                List<String> ns = new ArrayList<>();
                v.asSet().forEach(e -> ns.add(((BigDecimal) e).toPlainString()));
                return AttributeValue.fromNs(ns);
            default:
                List<SdkBytes> bs = new ArrayList<>();
                v.asSet().forEach(e -> bs.add(SdkBytes.fromByteArray((byte[]) e)));
                return AttributeValue.fromBs(bs);
        }
    }

    /** Scalars (S, N, BOOL, NULL) and nested maps/lists: what the seed tables and views hold. */
    public static Map<String, DdbValue> fromSdk(Map<String, AttributeValue> item) {
        Map<String, DdbValue> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(k, fromSdk(v)));
        return out;
    }

    public static DdbValue fromSdk(AttributeValue v) {
        if (v.s() != null) {
            return DdbValue.s(v.s());
        }
        if (v.n() != null) {
            return DdbValue.n(new BigDecimal(v.n()));
        }
        if (v.bool() != null) {
            return DdbValue.bool(v.bool());
        }
        if (v.b() != null) {
            return DdbValue.b(v.b().asByteArray());
        }
        if (v.hasM()) {
            return DdbValue.m(fromSdk(v.m()));
        }
        if (v.hasL()) {
            List<DdbValue> list = new ArrayList<>();
            v.l().forEach(e -> list.add(fromSdk(e)));
            return DdbValue.l(list);
        }
        return DdbValue.nul();
    }

    /** An item's attribute as text: plain numbers, strings as they are; null when absent. */
    public static String text(AttributeValue v) {
        if (v == null) {
            return null;
        }
        if (v.n() != null) {
            BigDecimal n = new BigDecimal(v.n());
            return n.signum() == 0 ? "0" : n.stripTrailingZeros().toPlainString();
        }
        return v.s() != null ? v.s() : v.bool() != null ? v.bool().toString() : v.toString();
    }
}
