package io.ailurus.partition.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.message.LeaderChangeMessage;
import org.apache.kafka.common.message.VotersRecord;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.ControlRecordUtils;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/** Control batches the Raft layer writes into the Kafka log; consumers skip control batches. */
final class ControlBatches {

    private ControlBatches() {
    }

    /**
     * The no-op a new leader appends in its term (Raft §5.4.2): a LEADER_CHANGE control record, as KRaft writes.
     * Its offset and epoch are stamped by the append. No timestamp: the member's clock is monotonic, not wall time,
     * and consumers skip control batches anyway.
     */
    static MemoryRecords leaderChange(final int leaderId, final Collection<Integer> voters) {
        final List<LeaderChangeMessage.Voter> list = new ArrayList<>();
        for (final int v : voters) {
            list.add(new LeaderChangeMessage.Voter().setVoterId(v));
        }
        final LeaderChangeMessage message = new LeaderChangeMessage()
                .setVersion((short) 0)
                .setLeaderId(leaderId)
                .setVoters(list)
                .setGrantingVoters(List.of());
        return MemoryRecords.withLeaderChangeMessage(0L, RecordBatch.NO_TIMESTAMP, 0, ByteBuffer.allocate(256 + 8 * list.size()), message);
    }

    /** The voter set as a KRAFT_VOTERS control batch (only the ids are used); offsets and epoch are stamped by the append. */
    static MemoryRecords voters(final Collection<Integer> voters) {
        final List<VotersRecord.Voter> list = new ArrayList<>();
        for (final int v : new TreeSet<>(voters)) {
            list.add(new VotersRecord.Voter().setVoterId(v));
        }
        final VotersRecord record = new VotersRecord().setVersion(ControlRecordUtils.KRAFT_VOTERS_CURRENT_VERSION).setVoters(list);
        return MemoryRecords.withVotersRecord(0L, RecordBatch.NO_TIMESTAMP, 0, ByteBuffer.allocate(256 + 64 * list.size()), record);
    }

    /** The voter set a batch declares, or null when it is not a KRAFT_VOTERS control batch. */
    static List<Integer> votersIn(final RecordBatch batch) {
        if (!batch.isControlBatch()) {
            return null;
        }
        List<Integer> found = null;
        for (final Record r : batch) {
            if (r.hasKey() && ControlRecordType.parse(r.key()) == ControlRecordType.KRAFT_VOTERS) {
                final List<Integer> ids = new ArrayList<>();
                for (final VotersRecord.Voter v : ControlRecordUtils.deserializeVotersRecord(r).voters()) {
                    ids.add(v.voterId());
                }
                found = List.copyOf(new TreeSet<>(ids));
            }
        }
        return found;
    }
}
