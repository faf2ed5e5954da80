package io.ailurus.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * All rounds of one mode. The table reports the median round (by MiB/s) whole — its bytes, rate and latencies — so
 * every figure in a row comes from one real run, and one disturbed round on a shared VM does not move the verdict.
 */
record ModeSummary(Mode mode, List<ModeResult> rounds) {

    ModeResult median() {
        final List<ModeResult> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(r -> r.stats().mibPerSecond()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Every round's MiB/s in run order, e.g. "812/790/845". */
    String allRates() {
        final StringBuilder sb = new StringBuilder();
        for (final ModeResult r : rounds) {
            sb.append(sb.length() == 0 ? "" : "/").append(Math.round(r.stats().mibPerSecond()));
        }
        return sb.toString();
    }
}
