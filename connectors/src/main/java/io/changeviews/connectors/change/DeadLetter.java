package io.changeviews.connectors.change;

import java.io.Serializable;

/** A record the job could not use, kept with its raw payload, the reason and where it came from. */
public final class DeadLetter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String position;
    private final String reason;
    private final String payload;

    /**
     * @param source where the record was read, e.g. {@code kinesis:orders/shardId-000000000001}
     * @param position the record's position in that source (sequence number, with a suffix when one
     *     record yields several dead letters)
     * @param reason why it could not be used, for a human
     * @param payload the raw record as text (UTF-8, or base64 when it was not valid UTF-8)
     */
    public DeadLetter(String source, String position, String reason, String payload) {
        this.source = source;
        this.position = position;
        this.reason = reason;
        this.payload = payload;
    }

    public String source() {
        return source;
    }

    public String position() {
        return position;
    }

    public String reason() {
        return reason;
    }

    public String payload() {
        return payload;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + source + " @" + position + ": " + reason + "}";
    }
}
