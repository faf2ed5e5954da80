package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.List;

/**
 * A16 G1b / intermediate read, transactional, in its simplest sound form: the final read_committed read of the txn
 * topic runs once no transaction is open (its last stable offsets at the high watermarks), so it must hold every
 * transaction that may have committed (ok or info) whole or not at all. A failed transaction seen at all is A15.
 */
public final class TxnIntermediateReads implements AnomalyCheck {

    static final String CODE = "A16";
    static final String NAME = "txn intermediate read (G1b)";

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
            if (txn.type() == OpType.FAIL) {
                continue;
            }
            final List<Long> read = new ArrayList<>();
            final List<Long> unread = new ArrayList<>();
            for (final Read s : TxnHistory.sends(txn)) {
                (t.committed.containsKey(s.value()) ? read : unread).add(s.value());
            }
            if (!read.isEmpty() && !unread.isEmpty()) {
                final List<Long> ops = new ArrayList<>(List.of(txn.completion().id()));
                read.forEach(v -> t.committed.get(v).forEach(s -> ops.add(s.opId())));
                found.add(new Anomaly(CODE, "transaction " + txn.completion().id() + ", " + TxnHistory.outcome(txn)
                        + ", partly visible to read_committed: " + read + " read, " + unread + " not (read_uncommitted "
                        + "has " + unread.stream().filter(t.uncommitted::containsKey).toList() + " of those)",
                        ops.stream().distinct().toList()));
            }
        }
        return List.of(CheckResult.of(CODE, NAME, found, true));
    }
}
