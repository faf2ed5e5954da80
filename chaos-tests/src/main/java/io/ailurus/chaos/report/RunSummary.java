package io.ailurus.chaos.report;

import io.ailurus.chaos.checker.Verdict;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.nemesis.FaultWindow;
import io.ailurus.chaos.workload.FinalReader;
import java.util.List;

/** Everything the report shows about one run. */
public record RunSummary(String profile, long seed, int nodes, String networkMode, History history,
        List<FaultWindow> windows, List<String> nemesisProblems, FinalReader.Outcome finalRead, Verdict verdict,
        long durationMs, List<String> brokerHealth) {
}
