package io.ailurus.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.chaos.report.ResultsWriter;
import io.ailurus.chaos.report.RunSummary;
import org.junit.jupiter.api.Test;

/** The soak profile, only with {@code -Pchaos} (README.md): long, every fault kind many times. */
class ChaosSoakIT {

    @Test
    void soakProfileHasNoSafetyAnomaly() throws Exception {
        final ChaosProfile profile = ChaosProfile.soak().withSystemProperties();
        final long seed = ChaosRun.seedFromSystemProperties();
        final ChaosRun run = new ChaosRun(profile, seed, ChaosRun.runDirFromSystemProperties(profile, seed));
        final RunSummary summary = run.run();
        assertTrue(summary.verdict().valid(), () -> ResultsWriter.render(summary));
        assertTrue(summary.finalRead().complete(), "the final read reached the end of every partition");
        run.deleteDataDirs();
    }
}
