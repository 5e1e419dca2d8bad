package io.changeviews.connectors.aws;

import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.io.Serializable;

/** Creates an AWS SDK async client inside a running operator; tests point it at a local endpoint. */
@FunctionalInterface
public interface AsyncClientProvider<C extends SdkAutoCloseable> extends Serializable {
    C create();
}
