package io.changeviews.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changeviews.connectors.change.ChangeType;
import io.changeviews.connectors.ddb.AttributeCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.Stream;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Copies a DynamoDB (Local) table's stream into a Kinesis stream as KDS-for-DynamoDB JSON records,
 * i.e. what AWS's Kinesis streaming destination for DynamoDB does.
 */
public final class StreamRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PUT_RECORDS = 500;
    private static final int MAX_PARTITION_KEY_LENGTH = 256;
    private static final Duration IDLE_PAUSE = Duration.ofMillis(100);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(1);

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String tableName;
    private final KinesisClient kinesis;
    private final String kinesisStream;
    private final AtomicLong relayed = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    // Touched by the relay thread only.
    private final Map<String, ShardPosition> openShards = new LinkedHashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private long nextDiscoveryNanos;

    private StreamRelay(
            DynamoDbStreamsClient streams,
            String streamArn,
            String tableName,
            KinesisClient kinesis,
            String kinesisStream) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.tableName = tableName;
        this.kinesis = kinesis;
        this.kinesisStream = kinesisStream;
        this.thread = new Thread(this::run, "stream-relay-" + tableName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts relaying the table's latest stream (which must be NEW_AND_OLD_IMAGES) from
     * TRIM_HORIZON into the Kinesis stream. The clients stay the caller's: close them after the
     * relay.
     */
    public static StreamRelay start(
            DynamoDbStreamsClient streams,
            String tableName,
            KinesisClient kinesis,
            String kinesisStream) {
        String streamArn =
                streams.listStreams(request -> request.tableName(tableName)).streams().stream()
                        .max(Comparator.comparing(Stream::streamLabel))
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "Table " + tableName + " has no stream"))
                        .streamArn();
        StreamViewType viewType =
                streams.describeStream(request -> request.streamArn(streamArn))
                        .streamDescription()
                        .streamViewType();
        // KDS for DynamoDB always carries both images; a narrower view would silently change the
        // records.
        if (viewType != StreamViewType.NEW_AND_OLD_IMAGES) {
            throw new IllegalArgumentException(
                    "Stream of table "
                            + tableName
                            + " is "
                            + viewType
                            + "; the relay needs NEW_AND_OLD_IMAGES");
        }
        StreamRelay relay = new StreamRelay(streams, streamArn, tableName, kinesis, kinesisStream);
        relay.thread.start();
        return relay;
    }

    /** Records put into the Kinesis stream so far. */
    public long recordsRelayed() {
        return relayed.get();
    }

    /**
     * Waits until at least {@code count} records were relayed; false if the timeout passed first.
     */
    public boolean awaitRelayed(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (relayed.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        stopped.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A change as the UTF-8 bytes of a KDS-for-DynamoDB record, as if DynamoDB had streamed it (for
     * generated workloads).
     */
    public static byte[] kdsRecord(
            String table,
            String eventId,
            ChangeType type,
            Instant time,
            Map<String, AttributeValue> keys,
            Map<String, AttributeValue> before,
            Map<String, AttributeValue> after) {
        StreamRecord.Builder change =
                StreamRecord.builder().approximateCreationDateTime(time).keys(keys);
        long size = attributesSize(keys);
        if (after != null) {
            change.newImage(after);
            size += attributesSize(after);
        }
        if (before != null) {
            change.oldImage(before);
            size += attributesSize(before);
        }
        Record record =
                Record.builder()
                        .eventID(eventId)
                        .eventName(type.name())
                        .dynamodb(change.sizeBytes(size).build())
                        .build();
        return toKdsJson(table, record).getBytes(StandardCharsets.UTF_8);
    }

    /** DynamoDB's size of string and number attributes, roughly: names plus values. */
    private static long attributesSize(Map<String, AttributeValue> attributes) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> a : attributes.entrySet()) {
            size += a.getKey().length() + LocalTables.text(a.getValue()).length();
        }
        return size;
    }

    /** The record as "Kinesis Data Streams for DynamoDB" writes it (time in epoch milliseconds). */
    public static String toKdsJson(String tableName, Record record) {
        StreamRecord change = record.dynamodb();
        ObjectNode json = JSON.createObjectNode();
        json.put("awsRegion", LocalEnvironment.REGION.id());
        // Derived, not random: relaying the same stream record again yields the same event id.
        json.put(
                "eventID",
                UUID.nameUUIDFromBytes(record.eventID().getBytes(StandardCharsets.UTF_8))
                        .toString());
        json.put("eventName", record.eventNameAsString());
        Identity identity = record.userIdentity();
        if (identity == null) {
            json.putNull("userIdentity");
        } else {
            json.putObject("userIdentity")
                    .put("type", identity.type())
                    .put("principalId", identity.principalId());
        }
        json.put("recordFormat", "application/json");
        json.put("tableName", tableName);
        ObjectNode dynamodb = json.putObject("dynamodb");
        dynamodb.put(
                "ApproximateCreationDateTime", change.approximateCreationDateTime().toEpochMilli());
        dynamodb.set("Keys", mapJson(change.keys()));
        if (change.hasNewImage()) {
            dynamodb.set("NewImage", mapJson(change.newImage()));
        }
        if (change.hasOldImage()) {
            dynamodb.set("OldImage", mapJson(change.oldImage()));
        }
        dynamodb.put("SizeBytes", change.sizeBytes());
        json.put("eventSource", "aws:dynamodb");
        return json.toString();
    }

    private static ObjectNode mapJson(Map<String, AttributeValue> attributes) {
        return AttributeCodec.toJson(AttributeCodec.fromSdk(attributes));
    }

    /** The item's key attributes in name order, so one item always lands on one shard. */
    private static String partitionKey(Record record) {
        String key = mapJson(new TreeMap<>(record.dynamodb().keys())).toString();
        if (key.length() <= MAX_PARTITION_KEY_LENGTH) {
            return key;
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    private void run() {
        try {
            while (stopped.getCount() > 0) {
                try {
                    if (!relayOnce()) {
                        pause(IDLE_PAUSE);
                    }
                } catch (CancellationException closing) {
                    throw closing;
                } catch (RuntimeException e) {
                    LOG.warn(
                            "Relaying table {} to Kinesis stream {} failed; retrying in {}",
                            tableName,
                            kinesisStream,
                            ERROR_BACKOFF,
                            e);
                    pause(ERROR_BACKOFF);
                }
            }
        } catch (CancellationException closing) {
            LOG.debug("Relay of table {} stopped: {}", tableName, closing.getMessage());
        }
    }

    /** One GetRecords round over the open shards; true if any records came. */
    private boolean relayOnce() {
        if (System.nanoTime() >= nextDiscoveryNanos) {
            discoverShards();
        }
        boolean gotRecords = false;
        for (Iterator<ShardPosition> shards = openShards.values().iterator(); shards.hasNext(); ) {
            ShardPosition shard = shards.next();
            gotRecords |= relay(shard);
            if (shard.finished) {
                shards.remove();
                finishedShards.add(shard.shardId);
                nextDiscoveryNanos = 0;
            }
        }
        return gotRecords;
    }

    /**
     * Opens shards whose parent was read to its end (or is gone), so an item's changes stay in
     * order.
     */
    private void discoverShards() {
        List<Shard> shards = new ArrayList<>();
        String lastShardId = null;
        do {
            StreamDescription description =
                    streams.describeStream(
                                    DescribeStreamRequest.builder()
                                            .streamArn(streamArn)
                                            .exclusiveStartShardId(lastShardId)
                                            .build())
                            .streamDescription();
            shards.addAll(description.shards());
            lastShardId = description.lastEvaluatedShardId();
        } while (lastShardId != null);
        Set<String> listed = shards.stream().map(Shard::shardId).collect(Collectors.toSet());
        for (Shard shard : shards) {
            String parent = shard.parentShardId();
            boolean parentDone =
                    parent == null || !listed.contains(parent) || finishedShards.contains(parent);
            if (parentDone && !finishedShards.contains(shard.shardId())) {
                openShards.computeIfAbsent(shard.shardId(), ShardPosition::new);
            }
        }
        nextDiscoveryNanos = System.nanoTime() + DISCOVERY_INTERVAL.toNanos();
    }

    private boolean relay(ShardPosition shard) {
        try {
            if (shard.iterator == null) {
                shard.iterator =
                        streams.getShardIterator(shard.iteratorRequest(streamArn)).shardIterator();
            }
            String iterator = shard.iterator;
            GetRecordsResponse response =
                    streams.getRecords(request -> request.shardIterator(iterator));
            put(response.records(), shard);
            shard.iterator = response.nextShardIterator();
            shard.finished = shard.iterator == null;
            return !response.records().isEmpty();
        } catch (RuntimeException e) {
            // Resume after the last record known to be in Kinesis: nothing is skipped, a batch may
            // repeat.
            shard.iterator = null;
            throw e;
        }
    }

    private void put(List<Record> records, ShardPosition shard) {
        List<PutRecordsRequestEntry> entries =
                records.stream()
                        .map(
                                record ->
                                        PutRecordsRequestEntry.builder()
                                                .partitionKey(partitionKey(record))
                                                .data(
                                                        SdkBytes.fromUtf8String(
                                                                toKdsJson(tableName, record)))
                                                .build())
                        .collect(Collectors.toList());
        int from = 0;
        while (from < entries.size()) {
            int to = batchEnd(entries, from);
            putAll(entries.subList(from, to));
            shard.lastSequenceNumber = records.get(to - 1).dynamodb().sequenceNumber();
            relayed.addAndGet(to - from);
            from = to;
        }
    }

    /**
     * End of the batch starting at {@code from}: at most 500 entries and at most one per item, so
     * retrying the failed entries of a batch can never put an item's later change before its
     * earlier one.
     */
    private static int batchEnd(List<PutRecordsRequestEntry> entries, int from) {
        Set<String> keys = new HashSet<>();
        int to = from;
        while (to < entries.size()
                && to - from < MAX_PUT_RECORDS
                && keys.add(entries.get(to).partitionKey())) {
            to++;
        }
        return to;
    }

    private void putAll(List<PutRecordsRequestEntry> entries) {
        List<PutRecordsRequestEntry> pending = entries;
        while (!pending.isEmpty()) {
            PutRecordsResponse response =
                    kinesis.putRecords(
                            PutRecordsRequest.builder()
                                    .streamName(kinesisStream)
                                    .records(pending)
                                    .build());
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                if (response.records().get(i).errorCode() != null) {
                    failed.add(pending.get(i));
                }
            }
            if (!failed.isEmpty()) {
                LOG.warn(
                        "Kinesis stream {} rejected {} of {} records ({}); retrying them in {}",
                        kinesisStream,
                        failed.size(),
                        pending.size(),
                        response.records().get(0).errorMessage(),
                        ERROR_BACKOFF);
                pause(ERROR_BACKOFF);
            }
            pending = failed;
        }
    }

    /** Sleeps, but wakes up at once when closed; throws then so no half-done batch is counted. */
    private void pause(Duration duration) {
        try {
            if (stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CancellationException("relay closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("relay interrupted");
        }
    }

    /** Where the relay stands in one stream shard. */
    private static final class ShardPosition {
        final String shardId;
        String iterator;
        String lastSequenceNumber;
        boolean finished;

        ShardPosition(String shardId) {
            this.shardId = shardId;
        }

        GetShardIteratorRequest iteratorRequest(String streamArn) {
            GetShardIteratorRequest.Builder request =
                    GetShardIteratorRequest.builder().streamArn(streamArn).shardId(shardId);
            return lastSequenceNumber == null
                    ? request.shardIteratorType(ShardIteratorType.TRIM_HORIZON).build()
                    : request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                            .sequenceNumber(lastSequenceNumber)
                            .build();
        }
    }
}
