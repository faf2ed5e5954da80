package io.ailurus.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.chaos.report.ResultsWriter;
import io.ailurus.chaos.report.RunSummary;
import io.ailurus.chaos.report.TierSummary;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tiered CI profile (part of {@code mvn -B verify}, ≈ 2.5 minutes): three nodes with Shadow Indexing against an S3
 * server behind a fault proxy, a tiered topic with small segments and local retention, node faults and, overlapping
 * them, the bucket unavailable and slow. Fails on any safety anomaly, on a fault kind that never ran, on a final read
 * that could not finish, and when the final read was not served mostly from the bucket (the data did not really go
 * through it).
 */
class ChaosTieredCiIT {

    /** Of the final read's offsets, at least this share must lie below the leaders' local log starts. */
    private static final double MIN_REMOTE_SHARE = 0.5;

    @Test
    // ≈ 2.5 minutes on a quiet 2-core box; restarts take far longer when other builds share it.
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void tieredCiProfileHasNoSafetyAnomalyAndReadsMostlyFromTheBucket() throws Exception {
        final ChaosProfile profile = ChaosProfile.tieredCi().withSystemProperties();
        final long seed = ChaosRun.seedFromSystemProperties();
        final ChaosRun run = new ChaosRun(profile, seed, ChaosRun.runDirFromSystemProperties(profile, seed));
        final RunSummary summary = run.run();

        CiRunChecks.assertCompleteAndValid(profile, seed, summary);
        final TierSummary tier = summary.tier().orElseThrow();
        assertEquals(profile.partitions(), tier.shares().size(), () -> "tier measured: " + tier);
        assertTrue(tier.remoteShare() > MIN_REMOTE_SHARE, () -> "the final read came mostly from the bucket, but only "
                + Math.round(100 * tier.remoteShare()) + " % of it lay below the local log starts: "
                + ResultsWriter.render(summary));
        run.deleteDataDirs();
    }
}
