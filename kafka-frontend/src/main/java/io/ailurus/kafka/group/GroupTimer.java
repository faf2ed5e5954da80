package io.ailurus.kafka.group;

/**
 * The timers a group coordinator's state machine sets ({@link GroupEffects#schedule}); the shard actor fires them back
 * at it ({@link GroupCoordinatorState#onTimer}).
 */
sealed interface GroupTimer {

    /** A classic member sent no heartbeat within its session timeout. */
    record SessionExpired(String groupId, String memberId) implements GroupTimer {
    }

    /** A member id handed out with MEMBER_ID_REQUIRED (KIP-394) was not used to join in time. */
    record PendingExpired(String groupId, String memberId) implements GroupTimer {
    }

    /** The join phase of a rebalance ends: the initial delay of a new group, or the rebalance timeout. */
    record RebalanceDeadline(String groupId, boolean initialDelay) implements GroupTimer {
    }

    /** A consumer-protocol member sent no heartbeat within the session timeout. */
    record ConsumerSessionExpired(String groupId, String memberId) implements GroupTimer {
    }

    /** A consumer-protocol member did not give up revoked partitions within its rebalance timeout. */
    record RevocationDeadline(String groupId, String memberId, int epoch) implements GroupTimer {
    }
}
