package io.ailurus.chaos.report;

import java.util.List;
import java.util.Map;

/**
 * What a tiered run did with the bucket: where the nodes reached it, how many requests it got (and how many met a
 * fault), and, measured just before the final read, how much of each partition lay below the leader's local log start
 * (the final read fetched those offsets from the bucket).
 *
 * @param settings  the topic's tiering configs and the nodes' tier settings, as one line
 * @param finalReadRequests requests to the bucket while the final read ran (remote reads not already in the nodes'
 *                  chunk caches; the replay consumer may have cached much of it)
 * @param shares    partition → its offsets just before the final read
 * @param status    one line per partition from its leader's {@code /v1/cloud_storage/status} (informational)
 * @param bucket    one line per partition from a copy of the bucket taken once the brokers stopped (informational)
 * @param problems  what could not be measured
 */
public record TierSummary(String endpoint, String settings, int requests, int faultedRequests,
        int finalReadRequests, Map<Integer, Share> shares, List<String> status, List<String> bucket,
        List<String> problems) {

    /**
     * One partition's offsets: {@code logStart} (ListOffsets earliest: the bucket's start), {@code localStart}
     * (earliest-local: the leader's local log start), {@code end} (latest).
     */
    public record Share(long logStart, long localStart, long end) {

        /** Offsets only the bucket serves. */
        public long remote() {
            return Math.max(0, Math.min(localStart, end) - logStart);
        }

        public long total() {
            return Math.max(0, end - logStart);
        }
    }

    /** Offsets below the local log starts over all offsets, over every partition; 0 when nothing was measured. */
    public double remoteShare() {
        final long total = shares.values().stream().mapToLong(Share::total).sum();
        return total == 0 ? 0 : (double) shares.values().stream().mapToLong(Share::remote).sum() / total;
    }
}
