package io.ailurus.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.chaos.nemesis.Fault;
import io.ailurus.chaos.report.ResultsWriter;
import io.ailurus.chaos.report.RunSummary;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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

        final Set<Fault.Kind> ran = summary.windows().stream().map(w -> w.fault().kind())
                .collect(Collectors.toCollection(TreeSet::new));
        final Set<Fault.Kind> expected = new TreeSet<>(ChaosRun.availableKinds(profile,
                summary.networkMode().startsWith("network namespaces")));
        assertEquals(expected, ran, "every available fault kind runs at least once (seed " + seed + ")");
        assertTrue(summary.nemesisProblems().isEmpty(), () -> "nemesis problems: " + summary.nemesisProblems());
        assertTrue(summary.finalRead().complete(), "the final read reached the end of every partition");
        assertTrue(summary.verdict().valid(), () -> ResultsWriter.render(summary));
        run.deleteDataDirs();
    }
}
