package io.changeviews.job.ops;

import java.util.HashMap;
import java.util.Map;

/**
 * The AWS connector properties ({@code aws.*}) that point a client at an emulator or other non-AWS
 * endpoint.
 */
public final class EndpointProperties {
    /** The region emulators are run in; any region works, but clients and emulators must agree. */
    public static final String REGION = "us-east-1";

    private EndpointProperties() {}

    /** The endpoint, {@link #REGION} and a fixed key pair, which emulators accept. */
    public static Map<String, String> forEndpoint(String endpoint) {
        Map<String, String> m = new HashMap<>();
        m.put("aws.region", REGION);
        m.put("aws.endpoint", endpoint);
        m.put("aws.credentials.provider", "BASIC");
        m.put("aws.credentials.provider.basic.accesskeyid", "local");
        m.put("aws.credentials.provider.basic.secretkey", "local");
        return m;
    }
}
