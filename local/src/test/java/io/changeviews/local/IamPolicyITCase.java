package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped iam-policy.json against the AWS calls the job issued in the other ITCases of this run
 * (recorded by {@link AwsCallLog}): every call is allowed, and every action of every statement was
 * needed by some test, or is on the short list below of actions no emulator can show, with why. It
 * runs last (junit-platform.properties orders test classes by {@link Order}).
 */
@Order(Integer.MAX_VALUE)
class IamPolicyITCase {
    private static final Logger LOG = LoggerFactory.getLogger(IamPolicyITCase.class);

    /**
     * Statement and action → why it is in the policy although the job's code never issues it to an
     * emulator.
     */
    private static final Map<String, String> NOT_ISSUED_TO_AN_EMULATOR =
            Map.ofEntries(
                    Map.entry(
                            "ExportTheSourceTables dynamodb:ExportTableToPointInTime",
                            "snapshot = export without a location starts an export; DynamoDB Local"
                                    + " has no export API, ExportStarterTest drives the call"),
                    Map.entry(
                            "ExportTheSourceTables dynamodb:DescribeExport",
                            "the job polls the export it started; ExportStarterTest"),
                    Map.entry(
                            "ReadAndWriteTheTableExports s3:PutObject",
                            "DynamoDB writes the export into the bucket with the caller's"
                                    + " permissions"),
                    Map.entry(
                            "ReadAndWriteTheTableExports s3:PutObjectAcl",
                            "DynamoDB sets the export objects' ACL with the caller's permissions"),
                    Map.entry(
                            "ReadAndWriteTheTableExports s3:AbortMultipartUpload",
                            "DynamoDB aborts its failed export uploads with the caller's"
                                    + " permissions"),
                    Map.entry(
                            "WriteTheParquetArchive s3:AbortMultipartUpload",
                            "the S3 filesystem aborts a multipart upload that failed, which no"
                                    + " ITCase provokes"),
                    Map.entry(
                            "ReadTheApplicationCode s3:GetObject",
                            "MSF reads the application's jar with the role"),
                    Map.entry(
                            "ReadTheApplicationCode s3:GetObjectVersion",
                            "MSF reads the application's jar with the role"),
                    Map.entry(
                            "WriteLogs logs:DescribeLogStreams",
                            "MSF writes the application's log with the role"),
                    Map.entry(
                            "WriteLogs logs:PutLogEvents",
                            "MSF writes the application's log with the role"),
                    Map.entry(
                            "FindLogGroups logs:DescribeLogGroups",
                            "MSF writes the application's log with the role"));

    /**
     * What the policy's placeholders stand for in the ITCases: their buckets, and a code bucket no
     * ITCase uses (MSF reads the code); region and account are any.
     */
    private static final Map<String, String> PLACEHOLDERS =
            Map.of(
                    "<ARCHIVE_BUCKET>", S3ArchiveITCase.BUCKET,
                    "<EXPORT_BUCKET>", ExportBootstrapITCase.BUCKET,
                    "<CODE_BUCKET>", "code",
                    "<REGION>", "*",
                    "<ACCOUNT_ID>", "*");

    /**
     * Tables of views an ITCase declares beyond the shipped ones: a user who adds a view adds its
     * table to the policy (docs/operations.md), so writes to these are the test's, not the
     * policy's.
     */
    private static final Set<String> TEST_VIEW_TABLES =
            Set.of("table/" + CrashRestoreFaultsITCase.GROWING_VIEW);

    @Test
    void everyCallTheJobMadeIsAllowedAndEveryActionWasNeeded() throws IOException {
        Set<AwsCallLog.AwsCall> calls = AwsCallLog.calls();
        assertThat(calls)
                .as(
                        "calls recorded by the ITCases that ran before this one in the same JVM"
                                + " (run the whole suite: mvn verify)")
                .isNotEmpty();
        List<Statement> policy = Statement.all(RepoPaths.root().resolve("iam-policy.json"));

        List<String> denied = new ArrayList<>();
        Map<String, Set<String>> used = new TreeMap<>();
        for (AwsCallLog.AwsCall call : calls) {
            if (call.resource != null && TEST_VIEW_TABLES.contains(call.resource)) {
                continue;
            }
            boolean allowed = false;
            for (Statement s : policy) {
                if (s.allows(call)) {
                    allowed = true;
                    used.computeIfAbsent(s.sid + " " + call.action, k -> new TreeSet<>())
                            .add(String.valueOf(call.resource));
                }
            }
            if (!allowed) {
                denied.add(call.toString());
            }
        }
        Set<String> unneeded = policyActions(policy);
        unneeded.removeAll(used.keySet());
        unneeded.removeAll(NOT_ISSUED_TO_AN_EMULATOR.keySet());
        used.forEach(
                (action, resources) ->
                        LOG.info(
                                "{} needed on {} resources, e.g. {}",
                                action,
                                resources.size(),
                                resources.iterator().next()));
        NOT_ISSUED_TO_AN_EMULATOR.forEach((action, why) -> LOG.info("{} kept: {}", action, why));

        assertThat(denied).as("calls the shipped policy does not allow").isEmpty();
        assertThat(unneeded).as("actions no test needed").isEmpty();
        assertThat(policyActions(policy))
                .as("the actions kept without a recorded call are the policy's")
                .containsAll(NOT_ISSUED_TO_AN_EMULATOR.keySet());
        assertThat(used.keySet())
                .as("actions kept without a recorded call that a test did call")
                .doesNotContainAnyElementsOf(NOT_ISSUED_TO_AN_EMULATOR.keySet());
    }

    /** Each statement's actions as {@code "<Sid> <action>"}. */
    private static Set<String> policyActions(List<Statement> policy) {
        Set<String> actions = new TreeSet<>();
        policy.forEach(s -> s.actions.forEach(a -> actions.add(s.sid + " " + a)));
        return actions;
    }

    /**
     * One Allow statement: its Sid, actions and resources (the part of each ARN after the account).
     */
    private static final class Statement {
        final String sid;
        final Set<String> actions = new TreeSet<>();
        final List<Pattern> resources = new ArrayList<>();

        private Statement(String sid) {
            this.sid = sid;
        }

        static List<Statement> all(Path file) throws IOException {
            List<Statement> statements = new ArrayList<>();
            for (JsonNode node : new ObjectMapper().readTree(file.toFile()).get("Statement")) {
                assertThat(node.get("Effect").asText()).isEqualTo("Allow");
                Statement s = new Statement(node.get("Sid").asText());
                strings(node.get("Action")).forEach(s.actions::add);
                for (String arn : strings(node.get("Resource"))) {
                    s.resources.add(glob(afterAccount(arn)));
                }
                statements.add(s);
            }
            return statements;
        }

        boolean allows(AwsCallLog.AwsCall call) {
            return actions.contains(call.action)
                    && (call.resource == null
                            || resources.stream()
                                    .anyMatch(r -> r.matcher(call.resource).matches()));
        }

        private static List<String> strings(JsonNode node) {
            List<String> values = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(v -> values.add(v.asText()));
            } else {
                values.add(node.asText());
            }
            return values;
        }

        /** {@code arn:aws:<service>:<region>:<account>:<resource>} → {@code <resource>}. */
        private static String afterAccount(String arn) {
            return arn.equals("*") ? "*" : arn.split(":", 6)[5];
        }

        /** IAM's wildcards, each {@code <PLACEHOLDER>} replaced by what it is in the ITCases. */
        private static Pattern glob(String resource) {
            String bound = resource;
            for (Map.Entry<String, String> p : PLACEHOLDERS.entrySet()) {
                bound = bound.replace(p.getKey(), p.getValue());
            }
            assertThat(bound).as("placeholders bound in " + resource).doesNotContain("<");
            StringBuilder regex = new StringBuilder();
            for (String part : bound.split("(?<=\\*)|(?=\\*)")) {
                regex.append(part.equals("*") ? ".*" : Pattern.quote(part));
            }
            return Pattern.compile(regex.toString());
        }
    }
}
