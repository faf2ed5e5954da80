package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A17 lost committed write, transactional: a value of a committed (ok) transaction, or one the transform consumer
 * read (read_committed: it was committed then), missing from the final read_committed read of the txn topic; or a
 * committed input value (in that read, from a transaction that may have
 * committed) missing from the output topic's final read_committed read once the transform loop was drained; or a
 * value an ok transform transaction copied missing from it.
 */
public final class TxnLostWrites implements AnomalyCheck {

    static final String CODE = "A17";
    static final String NAME = "txn lost committed write";

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final TxnHistory t = TxnHistory.of(input.history());
        if (!t.ran()) {
            return List.of(TxnHistory.notRun(CODE, NAME));
        }
        if (!t.finalRead) {
            return List.of(CheckResult.notChecked(CODE, NAME, "no final read_committed read of the txn topic"));
        }
        final List<Anomaly> found = new ArrayList<>();
        for (final History.Pair txn : t.transactions) {
            if (txn.type() != OpType.OK) {
                continue;
            }
            for (final Read s : TxnHistory.sends(txn)) {
                if (!t.committed.containsKey(s.value())) {
                    final List<VersionOrder.Sighting> raw = t.uncommitted.getOrDefault(s.value(), List.of());
                    found.add(new Anomaly(CODE, "value " + s.value() + " of committed transaction "
                            + txn.completion().id() + " (acknowledged at " + s.partition() + "/" + s.offset()
                            + ") missing from the final read_committed read; " + (raw.isEmpty()
                                    ? "read_uncommitted does not have it either"
                                    : "read_uncommitted has it at " + TxnHistory.places(raw)),
                            List.of(txn.completion().id())));
                }
            }
        }
        t.copyReads.forEach((v, seen) -> {
            final History.Pair txn = t.sender.get(v);
            // A value of a failed transaction is A15; one of an ok transaction was reported above.
            if (!t.committed.containsKey(v) && txn != null && txn.type() == OpType.INFO) {
                final List<Long> ops = new ArrayList<>(List.of(txn.completion().id()));
                seen.forEach(s -> ops.add(s.opId()));
                found.add(new Anomaly(CODE, "value " + v + " of transaction " + txn.completion().id() + ", "
                        + TxnHistory.outcome(txn) + ", read by the transform consumer at " + TxnHistory.places(seen)
                        + " (so committed) but missing from the final read_committed read",
                        ops.stream().distinct().toList()));
            }
        });
        if (t.outFinalRead) {
            // Value → why it must be in the output: committed input, or copied by an ok transform transaction.
            final Map<Long, String> mustBeCopied = new LinkedHashMap<>();
            t.committed.forEach((v, seen) -> {
                final History.Pair txn = t.sender.get(v);
                if (txn != null && txn.type() != OpType.FAIL) {
                    mustBeCopied.put(v, "committed in the txn topic at " + TxnHistory.places(seen));
                }
            });
            t.copiesOf.forEach((v, copiers) -> copiers.stream().filter(c -> c.type() == OpType.OK).findFirst()
                    .ifPresent(c -> mustBeCopied.putIfAbsent(v, "copied by committed transform transaction "
                            + c.completion().id())));
            mustBeCopied.forEach((v, why) -> {
                if (!t.outCommitted.containsKey(v)) {
                    final List<Long> ops = new ArrayList<>();
                    t.committed.getOrDefault(v, List.of()).forEach(s -> ops.add(s.opId()));
                    t.copiesOf.getOrDefault(v, List.of()).forEach(c -> ops.add(c.completion().id()));
                    found.add(new Anomaly(CODE, "value " + v + ", " + why + ", missing from the output topic's final "
                            + "read_committed read", ops.stream().distinct().toList()));
                }
            });
        }
        return List.of(CheckResult.of(CODE, NAME, found, true));
    }
}
