package io.changeviews.local;

import io.changeviews.connectors.aws.AsyncClientProvider;
import io.changeviews.job.AwsPipelineIo;
import io.changeviews.job.PipelineIo;
import io.changeviews.job.config.JobConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The real pipeline I/O with the bootstrap's Scan client watched: it counts the Scan calls and the
 * items they read, and fails once, at the call the test names.
 */
final class ScanWatch {
    // The MiniCluster runs in the test's JVM: the scans report here, and the failure fires once.
    static final AtomicInteger SCANS = new AtomicInteger();
    static final AtomicLong ITEMS_SCANNED = new AtomicLong();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicInteger FAIL_AT_SCAN = new AtomicInteger(-1);

    private ScanWatch() {}

    /** Zero counts, and the failure armed for the {@code failAtScan}-th Scan call (-1: none). */
    static void reset(int failAtScan) {
        SCANS.set(0);
        ITEMS_SCANNED.set(0);
        FAILED.set(false);
        FAIL_AT_SCAN.set(failAtScan);
    }

    /** The job's AWS connectors, its snapshot scans watched. */
    static PipelineIo io(JobConfig config) {
        return new AwsPipelineIo(config) {
            @Override
            protected AsyncClientProvider<DynamoDbAsyncClient> scanClients() {
                AsyncClientProvider<DynamoDbAsyncClient> real = super.scanClients();
                return () -> new WatchedScans(real.create());
            }
        };
    }

    private static final class WatchedScans implements DynamoDbAsyncClient {
        private final DynamoDbAsyncClient delegate;

        WatchedScans(DynamoDbAsyncClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<ScanResponse> scan(ScanRequest request) {
            if (SCANS.incrementAndGet() == FAIL_AT_SCAN.get()
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure in the middle of the snapshot");
            }
            return delegate.scan(request)
                    .thenApply(
                            r -> {
                                ITEMS_SCANNED.addAndGet(r.count());
                                return r;
                            });
        }

        @Override
        public CompletableFuture<DescribeTableResponse> describeTable(
                DescribeTableRequest request) {
            return delegate.describeTable(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
