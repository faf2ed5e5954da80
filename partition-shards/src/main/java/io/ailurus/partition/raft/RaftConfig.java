package io.ailurus.partition.raft;

/**
 * Timing and flow-control settings of a Raft member. Times are in milliseconds of the owner's monotonic clock.
 *
 * @param electionTimeoutMinMs  a follower waits a random time in [min, 2·min) without a leader before a pre-vote;
 *                              also the check-quorum period and the pre-vote/vote lease
 * @param heartbeatIntervalMs   how often a leader sends AppendEntries to an idle follower
 * @param retransmitTimeoutMs   an unanswered AppendEntries older than this is presumed lost and the pipeline restarts
 * @param maxAppendBytes        soft cap of batch bytes per AppendEntries (one batch is always sent whole)
 * @param maxInflightAppends    unacknowledged data-carrying AppendEntries per follower
 * @param leaseMarginMs         clock-drift allowance subtracted from the read lease ({@link RaftMember#isLeaderWithQuorum})
 */
public record RaftConfig(
        long electionTimeoutMinMs,
        long heartbeatIntervalMs,
        long retransmitTimeoutMs,
        int maxAppendBytes,
        int maxInflightAppends,
        long leaseMarginMs) {

    public RaftConfig {
        if (electionTimeoutMinMs <= 0 || heartbeatIntervalMs <= 0 || heartbeatIntervalMs >= electionTimeoutMinMs) {
            throw new IllegalArgumentException("need 0 < heartbeat interval < election timeout");
        }
        if (retransmitTimeoutMs <= 0 || maxAppendBytes <= 0 || maxInflightAppends <= 0) {
            throw new IllegalArgumentException("retransmit timeout, max append bytes and max inflight must be positive");
        }
        if (leaseMarginMs < 0 || leaseMarginMs >= electionTimeoutMinMs) {
            throw new IllegalArgumentException("lease margin must be in [0, election timeout)");
        }
    }

    /**
     * Settings for a LAN cluster: elections after 750–1500 ms without a leader (a failover within about 1.5 s; seven
     * missed heartbeats, so a young-GC pause does not depose a leader), 100 ms heartbeats, 1 MiB per request, 4
     * requests in flight.
     */
    public static RaftConfig defaults() {
        return new RaftConfig(750, 100, 300, 1024 * 1024, 4, 100);
    }
}
