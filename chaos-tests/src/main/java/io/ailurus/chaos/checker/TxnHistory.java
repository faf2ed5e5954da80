package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The transactional workload's side of a history, indexed for its checks (A15–A18): the producers' transactions
 * ({@link Fn#TXN}), the transform loop's copies ({@link Fn#TXN_TRANSFORM}), and where each value was seen by which
 * reader: the final reads of both topics at both isolation levels, and the transform consumer (read_committed).
 */
public final class TxnHistory {

    /** The rows of the anomaly table this workload's checks fill. */
    public static final List<String> CODES = List.of("A15", "A16", "A17", "A18");

    final List<History.Pair> transactions;
    final List<History.Pair> copies;
    /** Value → the copies that read it, whatever their outcome. */
    final Map<Long, List<History.Pair>> copiesOf = new TreeMap<>();
    final Map<Long, List<VersionOrder.Sighting>> committed;
    final Map<Long, List<VersionOrder.Sighting>> uncommitted;
    final Map<Long, List<VersionOrder.Sighting>> copyReads;
    final Map<Long, List<VersionOrder.Sighting>> outCommitted;
    final Map<Long, List<VersionOrder.Sighting>> outUncommitted;
    /** Value → the transaction that sent it (values are unique). */
    final Map<Long, History.Pair> sender = new HashMap<>();
    final boolean finalRead;
    final boolean outFinalRead;

    private TxnHistory(final History h) {
        transactions = h.pairs(Fn.TXN);
        copies = h.pairs(Fn.TXN_TRANSFORM);
        transactions.forEach(t -> sends(t).forEach(s -> sender.put(s.value(), t)));
        copies.forEach(c -> c.completion().reads().forEach(r ->
                copiesOf.computeIfAbsent(r.value(), k -> new ArrayList<>()).add(c)));
        committed = sightings(h, Fn.TXN_READ_COMMITTED);
        uncommitted = sightings(h, Fn.TXN_READ_UNCOMMITTED);
        copyReads = sightings(h, Fn.TXN_TRANSFORM);
        outCommitted = sightings(h, Fn.TXN_OUT_READ_COMMITTED);
        outUncommitted = sightings(h, Fn.TXN_OUT_READ_UNCOMMITTED);
        finalRead = h.pairs(Fn.TXN_READ_COMMITTED).stream().anyMatch(p -> p.type() == OpType.OK);
        outFinalRead = h.pairs(Fn.TXN_OUT_READ_COMMITTED).stream().anyMatch(p -> p.type() == OpType.OK);
    }

    public static TxnHistory of(final History h) {
        return new TxnHistory(h);
    }

    /** Whether the run had the transactional workload at all. */
    public boolean ran() {
        return !transactions.isEmpty();
    }

    /** A transaction's sends: as completed (with the offsets acknowledged), else as invoked. */
    public static List<Read> sends(final History.Pair txn) {
        return txn.completion().sends().isEmpty() ? txn.invoke().sends() : txn.completion().sends();
    }

    /** Value → where the polls of {@code fn} read it (a transform op's reads are trusted whatever its outcome). */
    private static Map<Long, List<VersionOrder.Sighting>> sightings(final History h, final Fn fn) {
        final Map<Long, List<VersionOrder.Sighting>> out = new TreeMap<>();   // anomalies listed by value
        for (final History.Pair p : h.pairs(fn)) {
            for (final Read r : p.completion().reads()) {
                out.computeIfAbsent(r.value(), k -> new ArrayList<>())
                        .add(new VersionOrder.Sighting(r.partition(), r.offset(), p.completion().id()));
            }
        }
        return out;
    }

    /** {@code [p/o, …]}, each place once. */
    static String places(final List<VersionOrder.Sighting> seen) {
        return seen.stream().map(s -> s.partition() + "/" + s.offset()).distinct()
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** How a transaction ended, for anomaly lines: {@code ok}, {@code info (why)}, {@code fail (why)}. */
    static String outcome(final History.Pair p) {
        return p.type().name().toLowerCase(java.util.Locale.ROOT)
                + (p.completion().error() == null ? "" : " (" + p.completion().error() + ")");
    }

    static CheckResult notRun(final String code, final String name) {
        return CheckResult.notChecked(code, name, "no transactional workload in this run");
    }
}
