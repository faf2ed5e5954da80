package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A6 poll-skip / nonmonotonic-poll between two successive polls of one consumer, and A7 the same inside one poll.
 * An assign or subscribe resets a consumer's position; a partition that was reassigned during a poll is skipped.
 * Under assign A6 is a bug; under subscribe the group may legally hand a partition back at its committed offset, so
 * it is reported as allowed. A7 is a bug either way.
 */
public final class PollOrder implements AnomalyCheck {

    private static final class Consumer {
        boolean subscribed;
        final Map<Integer, Read> last = new HashMap<>();
    }

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final List<Anomaly> assignMode = new ArrayList<>();
        final List<Anomaly> subscribeMode = new ArrayList<>();
        final List<Anomaly> internal = new ArrayList<>();
        final Map<Integer, Consumer> consumers = new HashMap<>();
        // Walk completions in history order: that is the order in which each consumer saw things.
        for (final Op op : input.history().ops()) {
            if (!op.type().isCompletion()) {
                continue;
            }
            final Consumer c = consumers.computeIfAbsent(op.process(), k -> new Consumer());
            if (op.f() == Fn.ASSIGN || op.f() == Fn.SUBSCRIBE) {
                c.subscribed = op.f() == Fn.SUBSCRIBE;
                c.last.clear();
                continue;
            }
            if (op.f() != Fn.POLL || op.type() == OpType.FAIL) {
                continue;
            }
            op.partitions().forEach(c.last::remove);   // rebalanced during this poll: no order to expect
            final Map<Integer, List<Read>> byPartition = new LinkedHashMap<>();
            op.reads().forEach(r -> byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r));
            for (final Map.Entry<Integer, List<Read>> e : byPartition.entrySet()) {
                final int p = e.getKey();
                final List<Read> reads = e.getValue();
                final Read prev = c.last.get(p);
                if (prev != null) {
                    final String problem = order(input.order(), p, prev.offset(), reads.get(0).offset());
                    if (problem != null) {
                        (c.subscribed ? subscribeMode : assignMode).add(new Anomaly("A6",
                                problem + " between polls of process " + op.process() + " on partition " + p,
                                List.of(op.id())));
                    }
                }
                for (int i = 1; i < reads.size(); i++) {
                    final String problem = order(input.order(), p, reads.get(i - 1).offset(), reads.get(i).offset());
                    if (problem != null) {
                        internal.add(new Anomaly("A7", problem + " inside one poll of process " + op.process()
                                + " on partition " + p, List.of(op.id())));
                    }
                }
                c.last.put(p, reads.get(reads.size() - 1));
            }
        }
        return List.of(CheckResult.of("A6", "poll-skip / nonmonotonic-poll (assign)", assignMode, true),
                CheckResult.of("A6s", "poll-skip / nonmonotonic-poll (subscribe)", subscribeMode, false),
                CheckResult.of("A7", "int-poll-skip / int-nonmonotonic-poll", internal, true));
    }

    /** Null when offset {@code b} directly follows {@code a} in the version order, else what is wrong. */
    static String order(final VersionOrder order, final int p, final long a, final long b) {
        if (b <= a) {
            return "nonmonotonic: offset " + b + " after " + a;
        }
        final int ia = order.index(p, a);
        final int ib = order.index(p, b);
        if (ib - ia > 1) {
            return "skip: offset " + a + " then " + b + ", " + (ib - ia - 1) + " known offset(s) skipped";
        }
        return null;
    }
}
