package io.ailurus.chaos.report;

import io.ailurus.chaos.checker.Verdict;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.nemesis.FaultWindow;
import io.ailurus.chaos.workload.FinalReader;
import java.util.List;
import java.util.Optional;

/**
 * Everything the report shows about one run; {@code tier} only in tiered mode, {@code transform} and {@code txn} when
 * those workloads ran.
 */
public record RunSummary(String profile, long seed, int nodes, String networkMode, History history,
        List<FaultWindow> windows, List<String> nemesisProblems, FinalReader.Outcome finalRead, Verdict verdict,
        long durationMs, List<String> brokerHealth, Optional<TierSummary> tier, Optional<TransformSummary> transform,
        Optional<TxnSummary> txn) {

    public RunSummary(final String profile, final long seed, final int nodes, final String networkMode,
            final History history, final List<FaultWindow> windows, final List<String> nemesisProblems,
            final FinalReader.Outcome finalRead, final Verdict verdict, final long durationMs,
            final List<String> brokerHealth) {
        this(profile, seed, nodes, networkMode, history, windows, nemesisProblems, finalRead, verdict, durationMs,
                brokerHealth, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
