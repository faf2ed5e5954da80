package io.ailurus.bench.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The failover rounds: for every round that produced again, the time from the leader's SIGKILL to the first
 * acknowledged acks=all produce (milliseconds), and how many rounds failed (no produce within the timeout, or the
 * cluster did not recover for the next round).
 */
record FailoverResult(List<Long> millis, int failedRounds, String firstFailure) {

    double medianSeconds() {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        final List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        final int n = sorted.size();
        return (n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0) / 1000.0;
    }

    double maxSeconds() {
        return millis.isEmpty() ? Double.NaN : Collections.max(millis) / 1000.0;
    }

    @Override
    public String toString() {
        return String.format("median %.2f s, max %.2f s over %d rounds %s%s", medianSeconds(), maxSeconds(),
                millis.size(), millis, failedRounds == 0 ? "" : "; " + failedRounds + " rounds FAILED, first: "
                        + firstFailure);
    }
}
