package io.ailurus.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A finished history: ops in the order they happened, and each invocation paired with its completion. */
public final class History {

    /** An invocation and its completion; a client still waiting when the run ended completes as info. */
    public record Pair(Op invoke, Op completion) {
        public OpType type() {
            return completion.type();
        }
    }

    private final List<Op> ops;
    private final List<Pair> pairs;

    public History(final List<Op> ops) {
        this.ops = List.copyOf(ops);
        final Map<Long, Op> open = new HashMap<>();
        final List<Pair> paired = new ArrayList<>();
        for (final Op op : this.ops) {
            if (op.type() == OpType.INVOKE) {
                open.put(op.id(), op);
            } else {
                final Op invoke = open.remove(op.id());
                paired.add(new Pair(invoke == null ? op : invoke, op));
            }
        }
        // Unanswered at the end: may or may not have happened.
        open.values().forEach(inv -> paired.add(new Pair(inv, inv.withType(OpType.INFO).withError("never completed"))));
        this.pairs = List.copyOf(paired);
    }

    public List<Op> ops() {
        return ops;
    }

    /** Pairs in completion order. */
    public List<Pair> pairs() {
        return pairs;
    }

    public List<Pair> pairs(final Fn f) {
        return pairs.stream().filter(p -> p.invoke().f() == f).toList();
    }
}
