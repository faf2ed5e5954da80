package io.ailurus.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.chaos.report.ResultsWriter;
import io.ailurus.chaos.report.RunSummary;
import org.junit.jupiter.api.Test;

/**
 * The tiered soak, only with {@code -Pchaos} (README.md): the soak profile (5 nodes, 30 minutes, every node fault kind
 * many times) on a tiered topic, with the bucket unavailable and slow on a track of its own.
 */
class ChaosTieredSoakIT {

    @Test
    void tieredSoakProfileHasNoSafetyAnomaly() throws Exception {
        final ChaosProfile profile = ChaosProfile.tieredSoak().withSystemProperties();
        final long seed = ChaosRun.seedFromSystemProperties();
        final ChaosRun run = new ChaosRun(profile, seed, ChaosRun.runDirFromSystemProperties(profile, seed));
        final RunSummary summary = run.run();
        assertTrue(summary.verdict().valid(), () -> ResultsWriter.render(summary));
        assertTrue(summary.finalRead().complete(), "the final read reached the end of every partition");
        assertTrue(summary.tier().orElseThrow().remoteShare() > 0.5,
                () -> "the final read came mostly from the bucket: " + ResultsWriter.render(summary));
        run.deleteDataDirs();
    }
}
