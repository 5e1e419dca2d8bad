package io.changeviews.connectors.change;

import java.io.Serializable;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What a source yields per record: the decoded change, or a dead letter saying why there is none.
 * Immutable, with its own Flink type, so chained operators pass it on uncopied.
 */
@TypeInfo(DecodeResult.FlinkType.class)
public final class DecodeResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ChangeEvent event;
    private final DeadLetter deadLetter;

    private DecodeResult(ChangeEvent event, DeadLetter deadLetter) {
        this.event = event;
        this.deadLetter = deadLetter;
    }

    public static DecodeResult of(ChangeEvent event) {
        return new DecodeResult(event, null);
    }

    public static DecodeResult failed(DeadLetter deadLetter) {
        return new DecodeResult(null, deadLetter);
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    public ChangeEvent event() {
        return event;
    }

    public DeadLetter deadLetter() {
        return deadLetter;
    }

    /** Flink's type of decode results: {@link DecodeResultSerializer}. */
    public static final class FlinkType extends TypeInfoFactory<DecodeResult> {
        @Override
        public TypeInformation<DecodeResult> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new OwnSerializerTypeInfo<>(DecodeResult.class, DecodeResultSerializer.INSTANCE);
        }
    }
}
