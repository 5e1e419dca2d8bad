package io.changeviews.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changeviews.connectors.change.ChangeEvent;
import io.changeviews.connectors.change.ChangeRecordDecoder;
import io.changeviews.connectors.change.DecodeException;
import io.changeviews.connectors.ddb.AttributeCodec;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.ChangeViewsPipeline.MaterializedView;
import io.changeviews.job.config.ApplicationProperties;
import io.changeviews.job.config.ArchiveConfig;
import io.changeviews.job.config.JobConfig;
import io.changeviews.job.config.SentimentConfig;
import io.changeviews.job.ops.EndpointProperties;
import io.changeviews.job.ops.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * What the end-to-end tests share: the job's configuration for the emulators, feeding Kinesis, and
 * reading the views back.
 */
final class EmulatedPipeline {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmulatedPipeline() {}

    /**
     * The shipped configuration pointed at the emulators, reading {@code stream} from its start,
     * plus {@code extra} overrides.
     */
    static JobConfig config(
            String kinesisEndpoint,
            String dynamoDbEndpoint,
            String stream,
            Map<String, Map<String, String>> extra)
            throws IOException {
        Map<String, Map<String, String>> overrides = new HashMap<>();
        Map<String, String> source = EndpointProperties.forEndpoint(kinesisEndpoint);
        source.put(JobConfig.STREAM_NAME, stream);
        source.put(JobConfig.INITIAL_POSITION, "TRIM_HORIZON");
        source.put("flink.shard.getrecords.intervalmillis", "100");
        overrides.put(JobConfig.SOURCE, source);
        Map<String, String> sink = EndpointProperties.forEndpoint(dynamoDbEndpoint);
        sink.put(JobConfig.FLUSH_INTERVAL_MS, "300");
        overrides.put(JobConfig.DYNAMODB, sink);
        overrides.put(ArchiveConfig.GROUP, ArchiveConfig.pathOverride(null));
        extra.forEach(
                (group, values) ->
                        overrides.computeIfAbsent(group, g -> new HashMap<>()).putAll(values));
        overrides.values().forEach(EmulatedPipeline::recorded);
        return JobConfig.from(
                ApplicationProperties.withOverrides(
                        ApplicationProperties.fromKdaAppJson(RepoPaths.kdaAppJson()), overrides));
    }

    /**
     * Points a group's AWS endpoints ({@code aws.endpoint}, the archive's {@code s3.endpoint}) at
     * {@link AwsCallLog} relays, so that {@code IamPolicyITCase} sees every call the job makes.
     */
    static void recorded(Map<String, String> group) {
        for (String key : List.of(AWSConfigConstants.AWS_ENDPOINT, ArchiveConfig.S3_ENDPOINT)) {
            String endpoint = group.get(key);
            if (endpoint != null) {
                group.put(key, AwsCallLog.relayed(endpoint));
            }
        }
    }

    /**
     * The seed tables' DynamoDB Streams records as KDS-for-DynamoDB JSON, in the order the changes
     * were made. DynamoDB Local stamps changes to the minute only, so each record gets the time its
     * operation was issued ({@code changeTimes}, per table in operation order), in microseconds, as
     * KDS does with MICROSECOND precision.
     */
    static List<byte[]> kdsRecords(
            DynamoDbStreamsClient streams, Map<String, List<Long>> changeTimes) {
        TreeMap<Long, byte[]> byTime = new TreeMap<>();
        for (String table : changeTimes.keySet()) {
            List<Long> times = changeTimes.get(table);
            String arn = streams.listStreams(b -> b.tableName(table)).streams().get(0).streamArn();
            List<Record> read = readStream(streams, arn);
            assertThat(read).hasSameSizeAs(times);
            for (int k = 0; k < read.size(); k++) {
                byTime.put(
                        times.get(k),
                        withMicros(
                                StreamRelay.toKdsJson(table, read.get(k))
                                        .getBytes(StandardCharsets.UTF_8),
                                times.get(k)));
            }
        }
        return new ArrayList<>(byTime.values());
    }

    /**
     * A KDS-for-DynamoDB record with its change time set to {@code micros}, in MICROSECOND
     * precision as KDS writes it when so configured.
     */
    static byte[] withMicros(byte[] record, long micros) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(record);
            ((ObjectNode) json.get("dynamodb"))
                    .put("ApproximateCreationDateTime", micros)
                    .put("ApproximateCreationDateTimePrecision", "MICROSECOND");
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The changes in the table's latest DynamoDB Stream as the job decodes them, with the stream's
     * own change times (DynamoDB Local's: to the minute).
     */
    static List<ChangeEvent> streamChanges(
            DynamoDbClient ddb, DynamoDbStreamsClient streams, String table)
            throws DecodeException {
        String arn = ddb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        List<ChangeEvent> changes = new ArrayList<>();
        for (Record r : readStream(streams, arn)) {
            changes.add(
                    decoder.decode(
                            StreamRelay.toKdsJson(table, r).getBytes(StandardCharsets.UTF_8),
                            null,
                            null));
        }
        return changes;
    }

    /** Every record of the stream, from TRIM_HORIZON to what is there now. */
    private static List<Record> readStream(DynamoDbStreamsClient streams, String arn) {
        List<Record> read = new ArrayList<>();
        for (Shard shard :
                streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards()) {
            String iterator =
                    streams.getShardIterator(
                                    b ->
                                            b.streamArn(arn)
                                                    .shardId(shard.shardId())
                                                    .shardIteratorType(
                                                            ShardIteratorType.TRIM_HORIZON))
                            .shardIterator();
            while (iterator != null) {
                String it = iterator;
                var response = streams.getRecords(b -> b.shardIterator(it));
                read.addAll(response.records());
                iterator = response.records().isEmpty() ? null : response.nextShardIterator();
            }
        }
        return read;
    }

    /**
     * Applies {@code count} random operations of {@code data} to DynamoDB Local, noting each one's
     * change time in {@code changeTimes} (per table, in operation order): {@code firstMicros}, then
     * {@code stepMicros} apart.
     */
    static void applyRandom(
            SampleData data,
            DynamoDbClient ddb,
            int count,
            long firstMicros,
            long stepMicros,
            Map<String, List<Long>> changeTimes) {
        for (int i = 0; i < count; i++) {
            SampleData.Operation op = data.next();
            changeTimes
                    .computeIfAbsent(op.table, t -> new ArrayList<>())
                    .add(firstMicros + i * stepMicros);
            op.applyTo(ddb);
        }
    }

    /**
     * Delivers KDS-for-DynamoDB records in order, each with its item as partition key, then {@code
     * extra} entries (e.g. garbage); returns the records' changes as the job decodes them.
     */
    static List<ChangeEvent> deliver(
            KinesisClient kds, String stream, List<byte[]> records, PutRecordsRequestEntry... extra)
            throws DecodeException {
        List<ChangeEvent> changes = new ArrayList<>();
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        ChangeRecordDecoder decoder = new ChangeRecordDecoder();
        for (byte[] record : records) {
            ChangeEvent e = decoder.decode(record, null, null);
            changes.add(e);
            entries.add(
                    PutRecordsRequestEntry.builder()
                            .partitionKey(e.tableName() + e.itemKey())
                            .data(SdkBytes.fromByteArray(record))
                            .build());
        }
        entries.addAll(Arrays.asList(extra));
        putInOrder(kds, stream, entries);
        return changes;
    }

    /**
     * The sentiment group of the Comprehend engine at {@code endpoint}, with the timeouts, retries
     * and rate of a local endpoint that injects faults.
     */
    static Map<String, String> comprehendSentiment(String endpoint) {
        Map<String, String> sentiment = EndpointProperties.forEndpoint(endpoint);
        sentiment.put(SentimentConfig.ENGINE, "comprehend");
        sentiment.put(SentimentConfig.CALL_TIMEOUT_MS, "500");
        sentiment.put(SentimentConfig.MAX_ATTEMPTS, "12");
        sentiment.put(SentimentConfig.BACKOFF_BASE_MS, "20");
        sentiment.put(SentimentConfig.BACKOFF_MAX_MS, "400");
        sentiment.put(SentimentConfig.CALLS_PER_SECOND, "200");
        sentiment.put(SentimentConfig.BATCH_MAX_WAIT_MS, "100");
        return sentiment;
    }

    /** The archive group that writes through {@code s3://<bucket>/changeviews} to s3proxy. */
    static Map<String, String> s3Archive(S3Proxy s3, String bucket) {
        Map<String, String> archive = new HashMap<>();
        archive.put(ArchiveConfig.PATH, "s3://" + bucket + "/changeviews");
        archive.put(ArchiveConfig.S3_ENDPOINT, s3.endpoint());
        archive.put(ArchiveConfig.S3_PATH_STYLE_ACCESS, "true");
        archive.put(ArchiveConfig.S3_ACCESS_KEY, S3Proxy.ACCESS_KEY);
        archive.put(ArchiveConfig.S3_SECRET_KEY, S3Proxy.SECRET_KEY);
        return archive;
    }

    /**
     * Puts in batches with at most one record per item, so that a retried failure cannot reorder an
     * item's records.
     */
    static void putInOrder(KinesisClient kds, String stream, List<PutRecordsRequestEntry> entries) {
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        Set<String> keysInBatch = new HashSet<>();
        for (PutRecordsRequestEntry e : entries) {
            if (batch.size() == 500 || !keysInBatch.add(e.partitionKey())) {
                put(kds, stream, batch);
                keysInBatch.clear();
                keysInBatch.add(e.partitionKey());
            }
            batch.add(e);
        }
        put(kds, stream, batch);
    }

    /**
     * Puts in calls of up to 500 records in the given order, a failed record again in the next call
     * (so it may land after records that followed it).
     */
    static void putAll(KinesisClient kds, String stream, List<PutRecordsRequestEntry> entries) {
        for (int from = 0; from < entries.size(); from += 500) {
            put(
                    kds,
                    stream,
                    new ArrayList<>(entries.subList(from, Math.min(entries.size(), from + 500))));
        }
    }

    private static void put(KinesisClient kds, String stream, List<PutRecordsRequestEntry> batch) {
        List<PutRecordsRequestEntry> pending = new ArrayList<>(batch);
        while (!pending.isEmpty()) {
            List<PutRecordsRequestEntry> sent = pending;
            var response = kds.putRecords(b -> b.streamName(stream).records(sent));
            pending = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                if (response.records().get(i).errorCode() != null) {
                    pending.add(sent.get(i));
                }
            }
        }
        batch.clear();
    }

    /** The seed tables' items, as a scan says. */
    static Map<String, List<Map<String, DdbValue>>> scanSeedTables(DynamoDbClient ddb) {
        Map<String, List<Map<String, DdbValue>>> tables = new HashMap<>();
        for (String table : SampleData.TABLES) {
            List<Map<String, DdbValue>> items = new ArrayList<>();
            ddb.scanPaginator(b -> b.tableName(table))
                    .items()
                    .forEach(item -> items.add(AttributeCodec.fromSdk(item)));
            tables.put(table, items);
        }
        return tables;
    }

    /**
     * Waits until every view's table equals its expected content, and fails with the difference if
     * it does not within {@code timeout}.
     */
    static void awaitViews(
            DynamoDbClient ddb,
            List<MaterializedView> views,
            ExpectedViews expected,
            Duration timeout)
            throws InterruptedException {
        Map<String, Map<String, List<String>>> wanted = new TreeMap<>();
        views.forEach(v -> wanted.put(v.spec.name(), expected.of(v.spec.name())));
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Map<String, List<String>>> actual = new TreeMap<>();
        do {
            actual.clear();
            views.forEach(
                    v ->
                            actual.put(
                                    v.spec.name(),
                                    ViewTable.of(
                                            v,
                                            LocalTables.scanAsText(
                                                    ddb,
                                                    v.spec.targetTable(),
                                                    v.spec.targetKey()))));
            if (actual.equals(wanted)) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertThat(actual).isEqualTo(wanted);
    }

    /** All views' tables as table → key → attribute → text. */
    static Map<String, Map<String, Map<String, String>>> snapshot(
            DynamoDbClient ddb, List<MaterializedView> views) {
        Map<String, Map<String, Map<String, String>>> out = new TreeMap<>();
        views.forEach(
                v ->
                        out.put(
                                v.spec.targetTable(),
                                LocalTables.scanAsText(
                                        ddb, v.spec.targetTable(), v.spec.targetKey())));
        return out;
    }
}
