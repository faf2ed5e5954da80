package io.ailurus.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;

/** Which node pairs a partition cuts (Jepsen's "grudges"), for nodes 1..n. */
public final class Grudges {

    private Grudges() {
    }

    /** Cuts {@code isolated} from every other node. */
    public static List<List<Integer>> isolate(final List<Integer> isolated, final int n) {
        final List<List<Integer>> cuts = new ArrayList<>();
        for (final int a : isolated) {
            for (int b = 1; b <= n; b++) {
                if (!isolated.contains(b)) {
                    cuts.add(List.of(Math.min(a, b), Math.max(a, b)));
                }
            }
        }
        return cuts;
    }

    /**
     * Each node keeps only its ring neighbours (i±1 mod n): every node sees a different majority. With three nodes
     * every pair are neighbours, so the ring degenerates to a bridge: n1 and n3 cut, n2 sees both.
     */
    public static List<List<Integer>> ring(final int n) {
        final List<List<Integer>> cuts = new ArrayList<>();
        for (int a = 1; a <= n; a++) {
            for (int b = a + 1; b <= n; b++) {
                final int d = Math.min(b - a, n - (b - a));
                if (d > 1) {
                    cuts.add(List.of(a, b));
                }
            }
        }
        if (cuts.isEmpty() && n >= 3) {
            cuts.add(List.of(1, n));
        }
        return cuts;
    }
}
