package io.ailurus.chaos;


import io.ailurus.chaos.report.RunSummary;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CI chaos profile (part of {@code mvn -B verify}): one broker today, process faults and power loss, ≈ 3 minutes.
 * Fails on any safety anomaly, on a fault kind that never ran, and on a final read that could not finish.
 */
class ChaosCiIT {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void ciProfileHasNoSafetyAnomaly() throws Exception {
        final ChaosProfile profile = ChaosProfile.ci().withSystemProperties();
        final long seed = ChaosRun.seedFromSystemProperties();
        final ChaosRun run = new ChaosRun(profile, seed, ChaosRun.runDirFromSystemProperties(profile, seed));
        final RunSummary summary = run.run();

        CiRunChecks.assertCompleteAndValid(profile, seed, summary);
        run.deleteDataDirs();
    }
}
