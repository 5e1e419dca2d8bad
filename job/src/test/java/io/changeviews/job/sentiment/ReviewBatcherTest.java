package io.changeviews.job.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batches by language: handed over when full, or after the max wait so a lone review is not held
 * back.
 */
class ReviewBatcherTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final LinkedBlockingQueue<List<Integer>> flushed = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aFullBatchGoesOutAtOnceWithExactlyTheMaximum() {
        ReviewBatcher<Integer> batcher =
                new ReviewBatcher<>(
                        25, Duration.ofHours(1), timers, (lang, batch) -> flushed.add(batch));
        for (int i = 0; i < 60; i++) {
            batcher.add("en", i);
        }
        List<List<Integer>> out = new ArrayList<>(flushed);
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).hasSize(25).startsWith(0).endsWith(24);
        assertThat(out.get(1)).hasSize(25).startsWith(25).endsWith(49);
    }

    @Test
    void aLoneReviewGoesOutAfterTheMaxWaitAndNotBefore() throws Exception {
        CompletableFuture<Long> flushedAt = new CompletableFuture<>();
        ReviewBatcher<Integer> batcher =
                new ReviewBatcher<>(
                        25,
                        Duration.ofMillis(300),
                        timers,
                        (lang, batch) -> {
                            flushed.add(batch);
                            flushedAt.complete(System.nanoTime());
                        });
        long start = System.nanoTime();
        batcher.add("en", 7);
        long at = flushedAt.get(10, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(at - start)).isGreaterThanOrEqualTo(290);
        assertThat(flushed.poll()).containsExactly(7);
    }

    @Test
    void languagesAreBatchedApartAndAFullBatchCancelsItsTimer() throws Exception {
        List<String> languages = new ArrayList<>();
        CompletableFuture<Void> german = new CompletableFuture<>();
        ReviewBatcher<Integer> batcher =
                new ReviewBatcher<>(
                        2,
                        Duration.ofMillis(200),
                        timers,
                        (lang, batch) -> {
                            synchronized (languages) {
                                languages.add(lang);
                            }
                            flushed.add(batch);
                            if (lang.equals("de")) {
                                german.complete(null);
                            }
                        });
        batcher.add("en", 1);
        batcher.add("de", 2);
        batcher.add("en", 3);
        assertThat(flushed.poll()).containsExactly(1, 3);
        german.get(10, TimeUnit.SECONDS);
        assertThat(flushed.poll()).containsExactly(2);
        // The en batch's timer fired too (after de's), and must not have sent anything more.
        timers.schedule(() -> {}, 300, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        assertThat(flushed).isEmpty();
        assertThat(languages).containsExactly("en", "de");
    }
}
