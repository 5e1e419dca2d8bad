package io.changeviews.connectors.snapshot;

/**
 * A DynamoDB export that cannot be a table's snapshot (missing or malformed manifest, a listed data
 * file missing, another table's or format's export, a failed export); the message says which.
 */
public final class InvalidExportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidExportException(String message) {
        super(message);
    }

    public InvalidExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
