package io.changeviews.local.benchmark;

import io.changeviews.connectors.change.DecodeResult;
import io.changeviews.connectors.source.ChangeRecordDeserializationSchema;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Encoded KDS-for-DynamoDB records fed to a job on this JVM's MiniCluster, decoded as the Kinesis
 * source decodes them.
 */
final class EncodedFeed implements AutoCloseable {
    // Flink gives each task its own deserialized copy of the functions: the records in a function
    // would be copied into the job graph, half a gigabyte of it. The functions carry the feed's id
    // instead and find the feed here, in the JVM they share with the benchmark, until it is closed.
    private static final Map<String, EncodedFeed> OPEN = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final long size;
    private final Supplier<LongFunction<byte[]>> readerRecords;
    private final LongAdder decoded = new LongAdder();
    private final LongAdder handedOut = new LongAdder();
    private final AtomicLong firstDecodeNanos = new AtomicLong();

    EncodedFeed(byte[][] records) {
        this(records.length, () -> index -> records[(int) index]);
    }

    /**
     * A feed of {@code size} records that each source reader gets from a function of its own,
     * called with the reader's indexes in order: so records can be generated as they are read.
     */
    EncodedFeed(long size, Supplier<LongFunction<byte[]>> readerRecords) {
        this.size = size;
        this.readerRecords = readerRecords;
        OPEN.put(id, this);
    }

    /**
     * The records as a stream of {@code env}, decoded as records of {@code stream}.
     * DataGeneratorSource hands each reader one contiguous index range, so each reader replays one
     * range in order.
     */
    DataStream<DecodeResult> decoded(
            StreamExecutionEnvironment env, String sourceName, String stream) {
        return encoded(env, sourceName)
                .map(new Decode(id, stream), TypeInformation.of(DecodeResult.class))
                .uid("decode")
                .name("Decode KDS records");
    }

    /** The records as they are, for a job that decodes them its own way. */
    DataStream<byte[]> encoded(StreamExecutionEnvironment env, String sourceName) {
        return env.fromSource(
                        new DataGeneratorSource<>(
                                new Records(id),
                                size,
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                        WatermarkStrategy.noWatermarks(),
                        sourceName)
                .uid("pre-encoded-records");
    }

    /** How many records the feed holds. */
    long size() {
        return size;
    }

    /** Records the source has handed out so far. */
    long handedOutCount() {
        return handedOut.sum();
    }

    /** Records decoded so far. */
    long decodedCount() {
        return decoded.sum();
    }

    /** {@link System#nanoTime()} of the first decode, 0 before it. */
    long firstDecodeNanos() {
        return firstDecodeNanos.get();
    }

    /** Lets the records go: the functions of a later job no longer find them. */
    @Override
    public void close() {
        OPEN.remove(id);
    }

    /** Hands out the feed's record at the source's index. */
    private static final class Records implements GeneratorFunction<Long, byte[]> {
        private static final long serialVersionUID = 1L;

        private final String feed;
        private transient EncodedFeed records;
        private transient LongFunction<byte[]> recordAt;

        Records(String feed) {
            this.feed = feed;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            records = OPEN.get(feed);
            recordAt = records.readerRecords.get();
        }

        @Override
        public byte[] map(Long index) {
            records.handedOut.increment();
            return recordAt.apply(index);
        }
    }

    /**
     * Decodes as the Kinesis source does, a per-reader counter standing in for the shard's sequence
     * numbers.
     */
    private static final class Decode extends RichMapFunction<byte[], DecodeResult> {
        private static final long serialVersionUID = 1L;

        private final String feed;
        private final String stream;
        private final ChangeRecordDeserializationSchema schema =
                new ChangeRecordDeserializationSchema("benchmark");
        private transient EncodedFeed counts;
        private long sequence;

        Decode(String feed, String stream) {
            this.feed = feed;
            this.stream = stream;
        }

        @Override
        public void open(OpenContext openContext) {
            counts = OPEN.get(feed);
        }

        @Override
        public DecodeResult map(byte[] record) {
            if (counts.firstDecodeNanos.get() == 0) {
                counts.firstDecodeNanos.compareAndSet(0, System.nanoTime());
            }
            counts.decoded.increment();
            return schema.deserialize(
                    record, "", Long.toString(++sequence), 0L, stream, "shardId-benchmark");
        }
    }
}
