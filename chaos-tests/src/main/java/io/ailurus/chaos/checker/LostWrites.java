package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A1 lost-write: an acknowledged send that no poll returned although some poll read past its offset (Jepsen's rule).
 * A2 unseen: an acknowledged send that no poll returned at all, not even the final read of every partition: lost, or
 * so late that it counts as lost.
 */
public final class LostWrites implements AnomalyCheck {

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final Set<Long> read = new HashSet<>();
        final Map<Integer, Long> maxReadOffset = new HashMap<>();
        for (final History.Pair pair : input.history().pairs(Fn.POLL)) {
            for (final Read r : pair.completion().reads()) {
                read.add(r.value());
                maxReadOffset.merge(r.partition(), r.offset(), Math::max);
            }
        }
        final List<Anomaly> lost = new ArrayList<>();
        final List<Anomaly> unseen = new ArrayList<>();
        for (final History.Pair pair : input.history().pairs(Fn.SEND)) {
            final Op c = pair.completion();
            if (c.type() != OpType.OK || read.contains(c.value())) {
                continue;
            }
            final long max = maxReadOffset.getOrDefault(c.partition(), -1L);
            if (c.offset() >= 0 && c.offset() < max) {
                lost.add(new Anomaly("A1", "value " + c.value() + " acked at " + c.partition() + "/" + c.offset()
                        + " never read, though reads reached offset " + max, List.of(c.id())));
            } else {
                unseen.add(new Anomaly("A2", "value " + c.value() + " acked at " + c.partition() + "/" + c.offset()
                        + " never read (highest offset read on that partition: " + max + ")", List.of(c.id())));
            }
        }
        return List.of(CheckResult.of("A1", "lost-write", lost, true), CheckResult.of("A2", "unseen", unseen, true));
    }
}
