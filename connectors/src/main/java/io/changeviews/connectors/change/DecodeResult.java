package io.changeviews.connectors.change;

import java.io.Serializable;

/**
 * What a source yields per record: the decoded change, or a dead letter saying why there is none.
 */
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
}
