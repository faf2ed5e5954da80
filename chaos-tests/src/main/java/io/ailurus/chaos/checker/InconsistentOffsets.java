package io.ailurus.chaos.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A3 inconsistent-offsets: one offset of a partition tied to two or more values, across acks and reads. */
public final class InconsistentOffsets implements AnomalyCheck {

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final List<Anomaly> found = new ArrayList<>();
        for (final Map.Entry<Integer, TreeMap<Long, Set<Long>>> p : input.order().partitions().entrySet()) {
            for (final Map.Entry<Long, Set<Long>> o : p.getValue().entrySet()) {
                if (o.getValue().size() < 2) {
                    continue;
                }
                final List<Long> ops = new ArrayList<>();
                for (final long v : o.getValue()) {
                    input.order().sightings().get(v).stream()
                            .filter(s -> s.partition() == p.getKey() && s.offset() == o.getKey())
                            .forEach(s -> ops.add(s.opId()));
                }
                found.add(new Anomaly("A3", "offset " + p.getKey() + "/" + o.getKey() + " has values " + o.getValue(),
                        ops.stream().distinct().toList()));
            }
        }
        return List.of(CheckResult.of("A3", "inconsistent-offsets", found, true));
    }
}
