package io.changeviews.job.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackfillCatchUpTest {
    @Test
    void caughtUpOnlyAfterSeveralLooksAtTheTipWithNothingNewReadOrWritten() {
        Backfill.CatchUp catchUp = new Backfill.CatchUp(2);
        assertThat(catchUp.observe(0, 0, Double.NaN)).isFalse();
        assertThat(catchUp.observe(100, 0, 5_000)).isFalse();
        assertThat(catchUp.observe(200, 0, 0)).isFalse();
        assertThat(catchUp.observe(200, 10, 0)).as("still writing").isFalse();
        assertThat(catchUp.observe(200, 10, 0)).isFalse();
        assertThat(catchUp.observe(200, 10, 0)).isTrue();
        assertThat(catchUp.observe(201, 10, 0)).as("new records arrived").isFalse();
    }
}
