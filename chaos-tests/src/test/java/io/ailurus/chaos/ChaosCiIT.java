package io.ailurus.chaos;


import io.ailurus.chaos.report.RunSummary;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CI chaos profile (part of {@code mvn -B verify}): three brokers, every fault kind, the transform and the
 * transactional workloads, ≈ 4–5 minutes. Fails on any safety anomaly (transactional ones included), on a fault kind
 * that never ran, on a final read that could not finish, on a transform output missing or duplicated, and on a
 * transactional workload that committed nothing or whose final reads or drain did not end.
 */
class ChaosCiIT {

    @Test
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
    void ciProfileHasNoSafetyAnomaly() throws Exception {
        final ChaosProfile profile = ChaosProfile.ci().withSystemProperties();
        final long seed = ChaosRun.seedFromSystemProperties();
        final ChaosRun run = new ChaosRun(profile, seed, ChaosRun.runDirFromSystemProperties(profile, seed));
        final RunSummary summary = run.run();

        CiRunChecks.assertCompleteAndValid(profile, seed, summary);
        run.deleteDataDirs();
    }
}
