package io.changeviews.connectors.aws;

import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * How the job's AWS calls classify a failed async call: throttled, worth another attempt, or final.
 */
public final class AwsErrors {
    private AwsErrors() {}

    /** The SDK's exception behind a failed future's {@link CompletionException}. */
    public static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    public static boolean isThrottling(Throwable e) {
        return e instanceof AwsServiceException
                && ((AwsServiceException) e).isThrottlingException();
    }

    /**
     * Throttling, 5xx and client-side failures (timeouts, connections) may pass; a missing table or
     * a denied call will not.
     */
    public static boolean isRetryable(Throwable e) {
        return isThrottling(e)
                || e instanceof SdkClientException
                || e instanceof AwsServiceException
                        && ((AwsServiceException) e).statusCode() >= 500;
    }
}
