package io.changeviews.connectors.change;

import io.changeviews.connectors.ddb.DdbValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.BigDecSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** Writes a {@link ChangeEvent} field by field, its images attribute by attribute. */
public final class ChangeEventSerializer extends ImmutableSerializer<ChangeEvent> {
    private static final long serialVersionUID = 1L;

    static final ChangeEventSerializer INSTANCE = new ChangeEventSerializer();

    private static final DdbValue.Type[] TYPES = DdbValue.Type.values();
    private static final ChangeType[] CHANGE_TYPES = ChangeType.values();

    @Override
    public void serialize(ChangeEvent e, DataOutputView out) throws IOException {
        StringValue.writeString(e.tableName(), out);
        out.writeByte(e.type().ordinal());
        writeItem(e.keys(), out);
        writeNullableItem(e.oldImage(), out);
        writeNullableItem(e.newImage(), out);
        out.writeLong(e.changeTimeMicros());
        StringValue.writeString(e.eventId(), out);
        StringValue.writeString(e.sequenceNumber(), out);
        out.writeBoolean(e.ttlDelete());
        out.writeBoolean(e.snapshot());
    }

    @Override
    public ChangeEvent deserialize(DataInputView in) throws IOException {
        String table = StringValue.readString(in);
        ChangeType type = CHANGE_TYPES[in.readByte()];
        Map<String, DdbValue> keys = readItem(in);
        Map<String, DdbValue> oldImage = readNullableItem(in);
        Map<String, DdbValue> newImage = readNullableItem(in);
        long changeTimeMicros = in.readLong();
        String eventId = StringValue.readString(in);
        String sequenceNumber = StringValue.readString(in);
        boolean ttlDelete = in.readBoolean();
        boolean snapshot = in.readBoolean();
        return new ChangeEvent(
                table,
                type,
                keys,
                oldImage,
                newImage,
                changeTimeMicros,
                eventId,
                sequenceNumber,
                ttlDelete,
                snapshot);
    }

    private static void writeNullableItem(Map<String, DdbValue> item, DataOutputView out)
            throws IOException {
        out.writeBoolean(item != null);
        if (item != null) {
            writeItem(item, out);
        }
    }

    private static Map<String, DdbValue> readNullableItem(DataInputView in) throws IOException {
        return in.readBoolean() ? readItem(in) : null;
    }

    private static void writeItem(Map<String, DdbValue> item, DataOutputView out)
            throws IOException {
        out.writeInt(item.size());
        for (Map.Entry<String, DdbValue> e : item.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            writeValue(e.getValue(), out);
        }
    }

    private static Map<String, DdbValue> readItem(DataInputView in) throws IOException {
        int size = in.readInt();
        Map<String, DdbValue> item = new LinkedHashMap<>(Math.max(16, size * 2));
        for (int i = 0; i < size; i++) {
            item.put(StringValue.readString(in), readValue(in));
        }
        return item;
    }

    private static void writeValue(DdbValue v, DataOutputView out) throws IOException {
        out.writeByte(v.type().ordinal());
        switch (v.type()) {
            case S:
                StringValue.writeString(v.asString(), out);
                break;
            case N:
                BigDecSerializer.INSTANCE.serialize(v.asNumber(), out);
                break;
            case B:
                writeBytes(v.asBytes(), out);
                break;
            case BOOL:
                out.writeBoolean(v.asBoolean());
                break;
            case NULL:
                break;
            case L:
                out.writeInt(v.asList().size());
                for (DdbValue member : v.asList()) {
                    writeValue(member, out);
                }
                break;
            case M:
                writeItem(v.asMap(), out);
                break;
            default:
                List<?> members = v.asSet();
                out.writeInt(members.size());
                for (Object member : members) {
                    if (v.type() == DdbValue.Type.SS) {
                        StringValue.writeString((String) member, out);
                    } else if (v.type() == DdbValue.Type.NS) {
                        BigDecSerializer.INSTANCE.serialize((BigDecimal) member, out);
                    } else {
                        writeBytes((byte[]) member, out);
                    }
                }
        }
    }

    private static DdbValue readValue(DataInputView in) throws IOException {
        DdbValue.Type type = TYPES[in.readByte()];
        switch (type) {
            case S:
                return DdbValue.s(StringValue.readString(in));
            case N:
                return DdbValue.n(BigDecSerializer.readBigDecimal(in));
            case B:
                return DdbValue.b(readBytes(in));
            case BOOL:
                return DdbValue.bool(in.readBoolean());
            case NULL:
                return DdbValue.nul();
            case L:
                int size = in.readInt();
                List<DdbValue> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(readValue(in));
                }
                return DdbValue.l(list);
            case M:
                return DdbValue.m(readItem(in));
            case SS:
                List<String> strings = new ArrayList<>();
                for (int i = in.readInt(); i > 0; i--) {
                    strings.add(StringValue.readString(in));
                }
                return DdbValue.ss(strings);
            case NS:
                List<BigDecimal> numbers = new ArrayList<>();
                for (int i = in.readInt(); i > 0; i--) {
                    numbers.add(BigDecSerializer.readBigDecimal(in));
                }
                return DdbValue.ns(numbers);
            default:
                List<byte[]> bytes = new ArrayList<>();
                for (int i = in.readInt(); i > 0; i--) {
                    bytes.add(readBytes(in));
                }
                return DdbValue.bs(bytes);
        }
    }

    private static void writeBytes(byte[] b, DataOutputView out) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    @Override
    public TypeSerializerSnapshot<ChangeEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from a checkpoint; it has no configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangeEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
