package io.changeviews.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The AWS calls the job under test issued in this JVM, as IAM actions and resources: the ITCases
 * point the job (never their own clients) at {@link #relayed} endpoints, and {@code
 * IamPolicyITCase} compares what was called with the shipped policy.
 */
final class AwsCallLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, RecordingRelay> RELAYS = new ConcurrentHashMap<>();
    private static final Set<AwsCall> CALLS = ConcurrentHashMap.newKeySet();

    private AwsCallLog() {}

    /**
     * An endpoint that relays to {@code endpoint} and records the calls made through it; one relay
     * per endpoint for the JVM's life.
     */
    static String relayed(String endpoint) {
        return RELAYS.computeIfAbsent(
                        endpoint, upstream -> RecordingRelay.start(upstream, AwsCallLog::note))
                .endpoint();
    }

    /** Every distinct call recorded so far, in a stable order. */
    static Set<AwsCall> calls() {
        return new TreeSet<>(CALLS);
    }

    private static void note(RecordingRelay.Request request) {
        String target = request.headers.get("x-amz-target");
        if (target == null) {
            CALLS.addAll(s3(request));
            return;
        }
        String[] serviceAndOperation = target.split("\\.", 2);
        String service = serviceAndOperation[0].replaceFirst("_\\d+$", "");
        String action = serviceAndOperation[1];
        switch (service) {
            case "DynamoDB":
            case "DynamoDBStreams":
                for (String resource : dynamoDbResources(request.body)) {
                    CALLS.add(new AwsCall("dynamodb:" + action, resource));
                }
                break;
            case "Kinesis":
                // The ITCases name their own streams; KdaAppJsonTest checks the shipped one against
                // the policy.
                CALLS.add(new AwsCall("kinesis:" + action, null));
                break;
            case "Comprehend":
                CALLS.add(new AwsCall("comprehend:" + action, "*"));
                break;
            default:
                CALLS.add(new AwsCall(target, null));
        }
    }

    /**
     * The tables a DynamoDB or DynamoDB Streams call names ({@code table/<name>} or {@code
     * table/<name>/stream/<label>}); one null resource when the body does not say (a shard
     * iterator).
     */
    private static List<String> dynamoDbResources(byte[] body) {
        List<String> resources = new ArrayList<>();
        JsonNode json = parse(body);
        if (json.hasNonNull("TableName")) {
            resources.add("table/" + json.get("TableName").asText());
        }
        json.path("RequestItems").fieldNames().forEachRemaining(t -> resources.add("table/" + t));
        if (json.hasNonNull("StreamArn")) {
            resources.add(
                    json.get("StreamArn")
                            .asText()
                            .replaceFirst("^arn:[^:]*:[^:]*:[^:]*:[^:]*:", ""));
        }
        if (resources.isEmpty()) {
            resources.add(null);
        }
        return resources;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /**
     * The IAM actions an S3 REST call needs, on {@code <bucket>} or {@code <bucket>/<key>}
     * (path-style requests, as the job's S3 filesystem is configured for the emulator).
     */
    private static List<AwsCall> s3(RecordingRelay.Request request) {
        URI uri = URI.create(request.target);
        String path = URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8).substring(1);
        Set<String> query = new TreeSet<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                query.add(pair.split("=", 2)[0]);
            }
        }
        int slash = path.indexOf('/');
        boolean onBucket = slash < 0 || slash == path.length() - 1;
        List<AwsCall> calls = new ArrayList<>();
        calls.add(
                onBucket
                        ? new AwsCall(
                                s3BucketAction(request.method, query), path.replaceFirst("/$", ""))
                        : new AwsCall(s3ObjectAction(request.method, query), path));
        String copySource = request.headers.get("x-amz-copy-source");
        if (copySource != null) {
            calls.add(
                    new AwsCall(
                            "s3:GetObject",
                            URLDecoder.decode(copySource, StandardCharsets.UTF_8)
                                    .replaceFirst("^/", "")));
        }
        return calls;
    }

    private static String s3BucketAction(String method, Set<String> query) {
        switch (method) {
            case "GET":
                if (query.contains("uploads")) {
                    return "s3:ListBucketMultipartUploads";
                }
                return query.contains("location") ? "s3:GetBucketLocation" : "s3:ListBucket";
            case "HEAD":
                return "s3:ListBucket";
            case "POST":
                return query.contains("delete") ? "s3:DeleteObject" : "s3:POST-bucket?" + query;
            default:
                return "s3:" + method + "-bucket?" + query;
        }
    }

    private static String s3ObjectAction(String method, Set<String> query) {
        switch (method) {
            case "GET":
                return query.contains("uploadId") ? "s3:ListMultipartUploadParts" : "s3:GetObject";
            case "HEAD":
                return "s3:GetObject";
            case "PUT":
                return query.contains("acl") ? "s3:PutObjectAcl" : "s3:PutObject";
            case "POST":
                return "s3:PutObject";
            case "DELETE":
                return query.contains("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject";
            default:
                return "s3:" + method + "-object?" + query;
        }
    }

    /** One IAM action on one resource (the part of its ARN after the account; null if unknown). */
    static final class AwsCall implements Comparable<AwsCall> {
        final String action;
        final String resource;

        AwsCall(String action, String resource) {
            this.action = action;
            this.resource = resource;
        }

        @Override
        public int compareTo(AwsCall other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AwsCall && toString().equals(o.toString());
        }

        @Override
        public int hashCode() {
            return toString().hashCode();
        }

        @Override
        public String toString() {
            return action + " on " + (resource == null ? "(not named in the call)" : resource);
        }
    }
}
