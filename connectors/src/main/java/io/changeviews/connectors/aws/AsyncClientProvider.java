package io.changeviews.connectors.aws;

import java.io.Serializable;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Creates an AWS SDK async client inside a running operator; tests point it at a local endpoint.
 */
@FunctionalInterface
public interface AsyncClientProvider<C extends SdkAutoCloseable> extends Serializable {
    C create();
}
