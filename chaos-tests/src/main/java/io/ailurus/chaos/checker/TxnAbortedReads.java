package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A15 G1a / aborted read, transactional: a value of a transaction that did not commit (aborted on purpose, or failed
 * before its commit) was read by a read_committed reader: the final read of the txn topic, the transform consumer, or
 * (copied by it) the final read of the output topic. Also a value in the output topic that only aborted copies wrote
 * (or none at all).
 */
public final class TxnAbortedReads implements AnomalyCheck {

    static final String CODE = "A15";
    static final String NAME = "txn aborted read (G1a)";

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final TxnHistory t = TxnHistory.of(input.history());
        if (!t.ran()) {
            return List.of(TxnHistory.notRun(CODE, NAME));
        }
        final List<Anomaly> found = new ArrayList<>();
        for (final History.Pair txn : t.transactions) {
            if (txn.type() != OpType.FAIL) {
                continue;
            }
            for (final Read s : TxnHistory.sends(txn)) {
                final List<String> where = new ArrayList<>();
                final List<Long> ops = new ArrayList<>(List.of(txn.completion().id()));
                seen(t.committed, s.value(), "the final read_committed read", where, ops);
                seen(t.copyReads, s.value(), "the transform consumer", where, ops);
                seen(t.outCommitted, s.value(), "the output topic's final read_committed read", where, ops);
                if (!where.isEmpty()) {
                    found.add(new Anomaly(CODE, "value " + s.value() + " of transaction " + txn.completion().id()
                            + ", " + TxnHistory.outcome(txn) + ", read by " + String.join("; ", where),
                            ops.stream().distinct().toList()));
                }
            }
        }
        for (final Map.Entry<Long, List<VersionOrder.Sighting>> out : t.outCommitted.entrySet()) {
            final List<History.Pair> copiers = t.copiesOf.getOrDefault(out.getKey(), List.of());
            if (copiers.stream().allMatch(c -> c.type() == OpType.FAIL)) {
                final List<Long> ops = new ArrayList<>(copiers.stream().map(c -> c.completion().id()).toList());
                out.getValue().forEach(s -> ops.add(s.opId()));
                found.add(new Anomaly(CODE, "value " + out.getKey() + " in the output topic at "
                        + TxnHistory.places(out.getValue()) + " (read_committed), though "
                        + (copiers.isEmpty() ? "no transform transaction copied it"
                                : "every transform transaction that copied it aborted"), ops.stream().distinct().toList()));
            }
        }
        return List.of(CheckResult.of(CODE, NAME, found, true));
    }

    private static void seen(final Map<Long, List<VersionOrder.Sighting>> sightings, final long value,
            final String reader, final List<String> where, final List<Long> ops) {
        final List<VersionOrder.Sighting> seen = sightings.getOrDefault(value, List.of());
        if (!seen.isEmpty()) {
            where.add(reader + " at " + TxnHistory.places(seen));
            seen.forEach(s -> ops.add(s.opId()));
        }
    }
}
