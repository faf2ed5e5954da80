package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.History;
import java.util.ArrayList;
import java.util.List;

/** Runs every anomaly family over a history (offline: it can re-check a saved {@code history.jsonl}). */
public final class Checker {

    private final List<AnomalyCheck> checks = List.of(new LostWrites(), new InconsistentOffsets(), new Duplicates(),
            new AbortedReads(), new PollOrder(), new SendOrder(), new OffsetRegression(), new BrokerChecks(),
            new TxnAbortedReads(), new TxnIntermediateReads(), new TxnLostWrites(), new TxnDuplicates());

    public Verdict check(final History history, final BrokerEvidence evidence, final boolean idempotent) {
        final CheckInput input = CheckInput.of(history, evidence, idempotent);
        final List<CheckResult> results = new ArrayList<>();
        checks.forEach(c -> results.addAll(c.check(input)));
        return new Verdict(results);
    }
}
