package io.ailurus.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.chaos.nemesis.Fault;
import io.ailurus.chaos.report.ResultsWriter;
import io.ailurus.chaos.report.RunSummary;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What every CI chaos run must show: each available fault kind ran, the nemesis worked, the read ended, VALID, the
 * transform workload's output holds every acknowledged input, and the transactional workload committed and was read to
 * its end (its anomalies, A15–A18, are in the verdict).
 */
final class CiRunChecks {

    private CiRunChecks() {
    }

    static void assertCompleteAndValid(final ChaosProfile profile, final long seed, final RunSummary summary) {
        final Set<Fault.Kind> ran = summary.windows().stream().map(w -> w.fault().kind())
                .collect(Collectors.toCollection(TreeSet::new));
        final Set<Fault.Kind> expected = new TreeSet<>(ChaosRun.availableKinds(profile,
                summary.networkMode().startsWith("network namespaces")));
        assertEquals(expected, ran, "every available fault kind runs at least once (seed " + seed + ")");
        assertTrue(summary.nemesisProblems().isEmpty(), () -> "nemesis problems: " + summary.nemesisProblems());
        assertTrue(summary.finalRead().complete(), "the final read reached the end of every partition");
        assertTrue(summary.verdict().valid(), () -> ResultsWriter.render(summary));
        summary.transform().ifPresent(t -> assertTrue(t.complete(), () -> "every acknowledged input has its "
                + "transform output, exactly once: " + ResultsWriter.render(summary)));
        summary.txn().ifPresent(t -> {
            assertTrue(t.transactions().ok() > 0, () -> "some transaction committed: " + ResultsWriter.render(summary));
            assertTrue(t.complete(), () -> "the transactional workload's final reads and drain ended: "
                    + ResultsWriter.render(summary));
        });
    }
}
