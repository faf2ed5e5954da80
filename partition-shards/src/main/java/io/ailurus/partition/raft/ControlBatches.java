package io.ailurus.partition.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.message.LeaderChangeMessage;
import org.apache.kafka.common.record.MemoryRecords;

/** Control batches the Raft layer writes into the Kafka log; consumers skip control batches. */
final class ControlBatches {

    private ControlBatches() {
    }

    /**
     * The no-op a new leader appends in its term (Raft §5.4.2): a LEADER_CHANGE control record, as KRaft writes.
     * Its offset and epoch are stamped by the append.
     */
    static MemoryRecords leaderChange(final int leaderId, final Collection<Integer> voters, final long nowMs) {
        final List<LeaderChangeMessage.Voter> list = new ArrayList<>();
        for (final int v : voters) {
            list.add(new LeaderChangeMessage.Voter().setVoterId(v));
        }
        final LeaderChangeMessage message = new LeaderChangeMessage()
                .setVersion((short) 0)
                .setLeaderId(leaderId)
                .setVoters(list)
                .setGrantingVoters(List.of());
        return MemoryRecords.withLeaderChangeMessage(0L, nowMs, 0, ByteBuffer.allocate(256 + 8 * list.size()), message);
    }
}
