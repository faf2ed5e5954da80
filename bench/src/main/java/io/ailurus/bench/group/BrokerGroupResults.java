package io.ailurus.bench.group;

import java.util.ArrayList;
import java.util.List;

/**
 * One broker's figures.
 *
 * @param label         "ailurus" or "kafka"
 * @param fileSystem    where its data directory was
 * @param initialDelay  how group.initial.rebalance.delay.ms was set, and what the broker reported for it
 * @param formationMs   group formation per repetition that completed, in run order
 * @param rebalanceMs   rebalance after a member left, per repetition that completed
 * @param closeMs       the leaving member's close() call, per repetition that completed
 * @param commit        the commit loop, or null if it did not run
 * @param failures      what went wrong, one line each
 */
record BrokerGroupResults(String label, String fileSystem, String initialDelay, List<Double> formationMs,
        List<Double> rebalanceMs, List<Double> closeMs, CommitLoop.Result commit, List<String> failures) {

    static double median(final List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        final List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double max(final List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static String list(final List<Double> values) {
        final StringBuilder s = new StringBuilder();
        for (final double v : values) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("%.0f", v));
        }
        return s.toString();
    }
}
