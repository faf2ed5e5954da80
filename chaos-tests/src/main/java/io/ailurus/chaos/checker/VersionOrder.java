package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything known about each partition's log: offset → values, from every poll and every ok send (Jepsen's version
 * order). Offsets may be sparse, so order checks use the dense index of an offset among the known ones: two reads
 * are adjacent when their indices differ by one.
 */
public final class VersionOrder {

    /** Where a value was seen and by which ops. */
    public record Sighting(int partition, long offset, long opId) {
    }

    private final Map<Integer, TreeMap<Long, Set<Long>>> byPartition = new HashMap<>();
    private final Map<Integer, long[]> dense = new HashMap<>();
    private final Map<Long, List<Sighting>> byValue = new HashMap<>();

    private VersionOrder() {
    }

    public static VersionOrder of(final History history) {
        final VersionOrder v = new VersionOrder();
        for (final History.Pair pair : history.pairs()) {
            final var c = pair.completion();
            if (pair.invoke().f() == Fn.SEND && c.type() == OpType.OK && c.offset() >= 0) {
                v.add(c.partition(), c.offset(), c.value(), c.id());
            } else if (pair.invoke().f() == Fn.POLL) {
                // Polls are trusted whatever their outcome: a consumer must only ever see committed data.
                for (final Read r : c.reads()) {
                    v.add(r.partition(), r.offset(), r.value(), c.id());
                }
            }
        }
        v.byPartition.forEach((p, m) -> v.dense.put(p, m.keySet().stream().mapToLong(Long::longValue).toArray()));
        return v;
    }

    private void add(final int partition, final long offset, final long value, final long opId) {
        byPartition.computeIfAbsent(partition, k -> new TreeMap<>())
                .computeIfAbsent(offset, k -> new LinkedHashSet<>()).add(value);
        byValue.computeIfAbsent(value, k -> new ArrayList<>()).add(new Sighting(partition, offset, opId));
    }

    public Map<Integer, TreeMap<Long, Set<Long>>> partitions() {
        return byPartition;
    }

    public Map<Long, List<Sighting>> sightings() {
        return byValue;
    }

    /** The dense index of a known offset, or -1. */
    public int index(final int partition, final long offset) {
        final long[] offsets = dense.get(partition);
        if (offsets == null) {
            return -1;
        }
        final int i = Arrays.binarySearch(offsets, offset);
        return i < 0 ? -1 : i;
    }
}
