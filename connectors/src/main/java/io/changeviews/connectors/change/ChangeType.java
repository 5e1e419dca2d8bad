package io.changeviews.connectors.change;

/** What happened to a DynamoDB item: the stream record's {@code eventName}. */
public enum ChangeType {
    INSERT,
    MODIFY,
    REMOVE
}
