package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A8 nonmonotonic-send: one producer's later acknowledged send to a partition got a lower offset than its earlier one.
 * A9 realtime-order: a send invoked after another send to the same partition was acknowledged got a lower offset
 * (Redpanda chaos suite's rule: the log order must respect real time).
 */
public final class SendOrder implements AnomalyCheck {

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final List<History.Pair> acked = input.history().pairs(Fn.SEND).stream()
                .filter(p -> p.type() == OpType.OK && p.completion().offset() >= 0).toList();
        final List<Anomaly> perProducer = new ArrayList<>();
        final Map<String, Op> lastByProducer = new HashMap<>();
        for (final History.Pair p : acked) {   // completion order
            final Op c = p.completion();
            final Op prev = lastByProducer.put(c.process() + "/" + c.partition(), c);
            if (prev != null && c.offset() <= prev.offset()) {
                perProducer.add(new Anomaly("A8", "process " + c.process() + " sent to partition " + c.partition()
                        + " offset " + prev.offset() + " then " + c.offset(), List.of(prev.id(), c.id())));
            }
        }
        return List.of(CheckResult.of("A8", "nonmonotonic-send", perProducer, true),
                CheckResult.of("A9", "realtime-order", realtime(acked), true));
    }

    private static List<Anomaly> realtime(final List<History.Pair> acked) {
        final List<Anomaly> found = new ArrayList<>();
        final Map<Integer, List<History.Pair>> byPartition = new HashMap<>();
        acked.forEach(p -> byPartition.computeIfAbsent(p.completion().partition(), k -> new ArrayList<>()).add(p));
        for (final List<History.Pair> sends : byPartition.values()) {
            final List<History.Pair> byCompletion = new ArrayList<>(sends);
            byCompletion.sort(Comparator.comparingLong(p -> p.completion().timeNs()));
            final List<History.Pair> byInvoke = new ArrayList<>(sends);
            byInvoke.sort(Comparator.comparingLong(p -> p.invoke().timeNs()));
            // Sweep: for each send, the highest offset acknowledged before it was invoked.
            int j = 0;
            Op highest = null;
            for (final History.Pair s : byInvoke) {
                while (j < byCompletion.size() && byCompletion.get(j).completion().timeNs() < s.invoke().timeNs()) {
                    final Op c = byCompletion.get(j++).completion();
                    if (highest == null || c.offset() > highest.offset()) {
                        highest = c;
                    }
                }
                if (highest != null && s.completion().offset() <= highest.offset()) {
                    found.add(new Anomaly("A9", "send to " + s.completion().partition() + " invoked after offset "
                            + highest.offset() + " was acked landed at " + s.completion().offset(),
                            List.of(highest.id(), s.completion().id())));
                }
            }
        }
        return found;
    }
}
