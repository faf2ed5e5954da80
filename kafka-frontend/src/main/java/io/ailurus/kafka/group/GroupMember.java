package io.ailurus.kafka.group;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/** A member of a classic group, with the join or sync request it is waiting on, if any. */
final class GroupMember {

    /** One protocol a member supports, with its metadata (for consumers: the subscription). */
    record Protocol(String name, byte[] metadata) {
    }

    final String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    String protocolType;
    List<Protocol> protocols;
    byte[] assignment = new byte[0];
    /** Set while the member's JoinGroup waits for the rebalance to complete. */
    Consumer<JoinGroupResponseData> awaitingJoin;
    short joinVersion;
    /** Set while the member's SyncGroup waits for the leader's assignment. */
    Consumer<SyncGroupResponseData> awaitingSync;
    /** Joined in the rebalance in progress (for a leader's member list, and Kafka's isNew expiry). */
    boolean isNew;

    GroupMember(final String memberId, final String groupInstanceId, final String clientId, final String clientHost,
            final int rebalanceTimeoutMs, final int sessionTimeoutMs, final String protocolType, final List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = protocols;
    }

    byte[] metadata(final String protocol) {
        for (final Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        throw new IllegalStateException("member " + memberId + " does not support protocol " + protocol);
    }

    boolean supports(final String protocol) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocol));
    }

    /** Same protocols with the same metadata, in the same order. */
    boolean sameProtocols(final List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!Objects.equals(other.get(i).name(), protocols.get(i).name())
                    || !java.util.Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }
}
