package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A10 offset regression: ListOffsets(latest) reported an end offset at or below an offset that was acknowledged
 * before the request started: acked data is invisible (or gone).
 */
public final class OffsetRegression implements AnomalyCheck {

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final List<History.Pair> acked = new ArrayList<>(input.history().pairs(Fn.SEND).stream()
                .filter(p -> p.type() == OpType.OK && p.completion().offset() >= 0).toList());
        acked.sort(Comparator.comparingLong(p -> p.completion().timeNs()));
        final List<Anomaly> found = new ArrayList<>();
        for (final History.Pair list : input.history().pairs(Fn.LIST_OFFSETS)) {
            if (list.type() != OpType.OK) {
                continue;
            }
            for (final Map.Entry<Integer, Long> end : list.completion().endOffsets().entrySet()) {
                acked.stream()
                        .takeWhile(p -> p.completion().timeNs() < list.invoke().timeNs())
                        .filter(p -> p.completion().partition() == end.getKey())
                        .max(Comparator.comparingLong(p -> p.completion().offset()))
                        .filter(p -> end.getValue() <= p.completion().offset())
                        .ifPresent(p -> found.add(new Anomaly("A10", "partition " + end.getKey() + " end offset "
                                + end.getValue() + " though offset " + p.completion().offset() + " was acked before",
                                List.of(p.completion().id(), list.completion().id()))));
            }
        }
        return List.of(CheckResult.of("A10", "offset regression", found, true));
    }
}
