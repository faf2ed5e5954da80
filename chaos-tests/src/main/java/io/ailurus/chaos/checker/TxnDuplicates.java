package io.ailurus.chaos.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A18 duplicated committed write, transactional: a value at two or more offsets of the txn topic in read_committed
 * reads (the final read and the transform consumer's polls; values are unique and the producers idempotent), or in
 * the output topic's final read_committed read (each input value must be copied exactly once).
 */
public final class TxnDuplicates implements AnomalyCheck {

    static final String CODE = "A18";
    static final String NAME = "txn duplicate";

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final TxnHistory t = TxnHistory.of(input.history());
        if (!t.ran()) {
            return List.of(TxnHistory.notRun(CODE, NAME));
        }
        final List<Anomaly> found = new ArrayList<>();
        final Map<Long, List<VersionOrder.Sighting>> txnTopic = new TreeMap<>();
        t.committed.forEach((v, seen) -> txnTopic.computeIfAbsent(v, k -> new ArrayList<>()).addAll(seen));
        t.copyReads.forEach((v, seen) -> txnTopic.computeIfAbsent(v, k -> new ArrayList<>()).addAll(seen));
        duplicates(txnTopic, "in the txn topic (read_committed)", found);
        duplicates(t.outCommitted, "copied into the output topic more than once (read_committed)", found);
        return List.of(CheckResult.of(CODE, NAME, found, true));
    }

    private static void duplicates(final Map<Long, List<VersionOrder.Sighting>> sightings, final String what,
            final List<Anomaly> found) {
        sightings.forEach((v, seen) -> {
            if (seen.stream().map(s -> s.partition() + "/" + s.offset()).distinct().count() > 1) {
                found.add(new Anomaly(CODE, "value " + v + " at " + TxnHistory.places(seen) + " " + what,
                        seen.stream().map(VersionOrder.Sighting::opId).distinct().toList()));
            }
        });
    }
}
