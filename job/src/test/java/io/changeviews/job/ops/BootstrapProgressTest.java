package io.changeviews.job.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.changeviews.job.config.JobConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The overrides with which the local runner and the backfill command bootstrap every table. */
class BootstrapProgressTest {
    @Test
    void scansEveryDeclaredTableThatDoesNotChooseItsOwnSnapshot() {
        Map<String, Properties> groups = new LinkedHashMap<>();
        groups.put(JobConfig.SOURCE, new Properties());
        groups.put(JobConfig.TABLE_PREFIX + "Orders", new Properties());
        Properties exported = new Properties();
        exported.setProperty(JobConfig.TABLE_SNAPSHOT, "export");
        groups.put(JobConfig.TABLE_PREFIX + "Reviews", exported);

        assertThat(BootstrapProgress.scanEveryTable(groups))
                .isEqualTo(
                        Map.of(
                                JobConfig.TABLE_PREFIX + "Orders",
                                Map.of(JobConfig.TABLE_SNAPSHOT, "scan")));
    }
}
