package io.ailurus.chaos.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rows that need the brokers' side of the story. A11 replica divergence, A12 election safety and A13 commit
 * regression are checked when {@link BrokerEvidence} carries replica dumps and Raft events (the replicated broker does
 * not produce them yet, so they report NOT_CHECKED); A14 scans the node logs and the unexpected exits.
 */
public final class BrokerChecks implements AnomalyCheck {

    /** Lines that mean a broker broke one of its own invariants. */
    static final Pattern ASSERTION = Pattern.compile("AssertionError|[Ii]nvariant violat|FATAL|OutOfMemoryError");

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final BrokerEvidence e = input.evidence();
        final List<CheckResult> out = new ArrayList<>();
        out.add(e.replicaLogs().map(BrokerChecks::divergence)
                .orElse(CheckResult.notChecked("A11", "replica divergence", "no replica dumps (single-node broker)")));
        out.add(e.leaderEvents().map(BrokerChecks::elections)
                .orElse(CheckResult.notChecked("A12", "election safety", "brokers log no leader events yet")));
        out.add(e.commitEvents().map(BrokerChecks::commits)
                .orElse(CheckResult.notChecked("A13", "commit regression", "brokers log no commit events yet")));
        final List<Anomaly> crashes = new ArrayList<>();
        e.unexpectedExits().forEach(x -> crashes.add(new Anomaly("A14", x, List.of())));
        e.nodeLogs().forEach((node, lines) -> lines.stream().filter(l -> ASSERTION.matcher(l).find()).limit(20)
                .forEach(l -> crashes.add(new Anomaly("A14", "node " + node + ": " + l.strip(), List.of()))));
        out.add(CheckResult.of("A14", "crash / assertion in broker", crashes, true));
        return out;
    }

    static CheckResult divergence(final Map<Integer, Map<Integer, BrokerEvidence.ReplicaLog>> logs) {
        final List<Anomaly> found = new ArrayList<>();
        final Map<Integer, Map<Integer, BrokerEvidence.ReplicaLog>> byPartition = new HashMap<>();
        logs.forEach((node, parts) -> parts.forEach((p, log) ->
                byPartition.computeIfAbsent(p, k -> new HashMap<>()).put(node, log)));
        byPartition.forEach((p, replicas) -> {
            final long committed = replicas.values().stream().mapToLong(BrokerEvidence.ReplicaLog::highWatermark)
                    .min().orElse(0);
            // Below a replica's log start it holds nothing to compare (tiered: local retention deleted it, the
            // bucket holds it): the replicas must agree from the highest log start up.
            final long from = replicas.values().stream().mapToLong(BrokerEvidence.ReplicaLog::logStartOffset)
                    .max().orElse(0);
            Map.Entry<Integer, BrokerEvidence.ReplicaLog> first = null;
            for (final Map.Entry<Integer, BrokerEvidence.ReplicaLog> r : replicas.entrySet()) {
                if (first == null) {
                    first = r;
                    continue;
                }
                for (int i = (int) from; i < committed; i++) {
                    final Long a = i < first.getValue().values().size() ? first.getValue().values().get(i) : null;
                    final Long b = i < r.getValue().values().size() ? r.getValue().values().get(i) : null;
                    if (a == null || !a.equals(b)) {
                        found.add(new Anomaly("A11", "partition " + p + " offset " + i + ": node " + first.getKey()
                                + " has " + a + ", node " + r.getKey() + " has " + b, List.of()));
                        break;
                    }
                }
            }
        });
        return CheckResult.of("A11", "replica divergence", found, true);
    }

    static CheckResult elections(final List<BrokerEvidence.LeaderEvent> events) {
        final List<Anomaly> found = new ArrayList<>();
        final Map<String, Integer> leaders = new HashMap<>();
        for (final BrokerEvidence.LeaderEvent ev : events) {
            final Integer other = leaders.putIfAbsent(ev.partition() + "@" + ev.term(), ev.node());
            if (other != null && other != ev.node()) {
                found.add(new Anomaly("A12", "partition " + ev.partition() + " term " + ev.term() + " led by nodes "
                        + other + " and " + ev.node(), List.of()));
            }
        }
        return CheckResult.of("A12", "election safety", found, true);
    }

    static CheckResult commits(final List<BrokerEvidence.CommitEvent> events) {
        final List<Anomaly> found = new ArrayList<>();
        final Map<String, Long> last = new HashMap<>();
        for (final BrokerEvidence.CommitEvent ev : events) {
            final Long prev = last.put(ev.node() + "/" + ev.partition(), ev.commitIndex());
            if (prev != null && ev.commitIndex() < prev) {
                found.add(new Anomaly("A13", "node " + ev.node() + " partition " + ev.partition() + " commit index "
                        + prev + " → " + ev.commitIndex(), List.of()));
            }
        }
        return CheckResult.of("A13", "commit regression", found, true);
    }
}
