package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import java.util.ArrayList;
import java.util.List;

/** A5 G1a / aborted read: a poll returned the value of a send that definitely failed. */
public final class AbortedReads implements AnomalyCheck {

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final List<Anomaly> found = new ArrayList<>();
        for (final History.Pair pair : input.history().pairs(Fn.SEND)) {
            if (pair.type() != OpType.FAIL) {
                continue;
            }
            final long v = pair.invoke().value() >= 0 ? pair.invoke().value() : pair.completion().value();
            final List<VersionOrder.Sighting> seen = input.order().sightings().getOrDefault(v, List.of());
            if (!seen.isEmpty()) {
                final List<Long> ops = new ArrayList<>(List.of(pair.completion().id()));
                seen.forEach(s -> ops.add(s.opId()));
                found.add(new Anomaly("A5", "value " + v + " failed (" + pair.completion().error() + ") but was read at "
                        + seen.get(0).partition() + "/" + seen.get(0).offset(), ops.stream().distinct().toList()));
            }
        }
        return List.of(CheckResult.of("A5", "aborted-read (G1a)", found, true));
    }
}
