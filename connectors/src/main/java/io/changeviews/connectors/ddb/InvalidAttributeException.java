package io.changeviews.connectors.ddb;

/**
 * DynamoDB JSON that is no attribute value DynamoDB could hold; the message names the attribute's
 * path.
 */
public final class InvalidAttributeException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidAttributeException(String message) {
        super(message);
    }
}
