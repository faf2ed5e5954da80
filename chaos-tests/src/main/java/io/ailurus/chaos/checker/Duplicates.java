package io.ailurus.chaos.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A4 duplicate: one value at two or more offsets. A bug with idempotent producers, expected without. */
public final class Duplicates implements AnomalyCheck {

    @Override
    public List<CheckResult> check(final CheckInput input) {
        final List<Anomaly> found = new ArrayList<>();
        for (final Map.Entry<Long, List<VersionOrder.Sighting>> e : input.order().sightings().entrySet()) {
            final List<String> places = e.getValue().stream()
                    .map(s -> s.partition() + "/" + s.offset()).distinct().toList();
            if (places.size() > 1) {
                found.add(new Anomaly("A4", "value " + e.getKey() + " at " + places,
                        e.getValue().stream().map(VersionOrder.Sighting::opId).distinct().toList()));
            }
        }
        return List.of(CheckResult.of("A4", "duplicate", found, input.idempotent()));
    }
}
