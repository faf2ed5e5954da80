package io.ailurus.kafka.group;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets committed inside transactions (TxnOffsetCommit) whose transaction is not decided yet, per group, partition
 * and producer. They are durable but invisible to OffsetFetch: the producer's COMMIT marker moves them into the
 * groups' committed offsets, its ABORT marker drops them.
 *
 * <p>Mixed with plain commits, the newest record in the log wins, as in Kafka: a plain commit of a partition that
 * lands after a transactional one supersedes it (the transaction's COMMIT then leaves that partition alone), and a
 * tombstone (DeleteGroups, OffsetDelete) drops it. Records are applied in log order, live and on replay alike, so both
 * reach the same state.
 *
 * <p>Owned by one {@link GroupCoordinatorShard}: not thread-safe.
 */
final class PendingTxnOffsets {

    /** A transactional offset: the log offset of its batch orders it against markers and other commits. */
    private record Pending(ClassicGroup.CommittedOffset offset, long logOffset, boolean superseded) {
    }

    private final Map<String, Map<TopicPartition, Map<Long, Pending>>> byGroup = new HashMap<>();
    /** The groups each producer has pending offsets in, so that a marker finds them without a scan. */
    private final Map<Long, Set<String>> groupsByProducer = new HashMap<>();

    boolean isEmpty() {
        return byGroup.isEmpty();
    }

    /** A transactional commit of {@code producerId} landed at {@code logOffset}; it replaces the producer's earlier one. */
    void add(final long producerId, final String groupId, final TopicPartition tp,
            final ClassicGroup.CommittedOffset offset, final long logOffset) {
        byGroup.computeIfAbsent(groupId, g -> new HashMap<>()).computeIfAbsent(tp, p -> new HashMap<>())
                .put(producerId, new Pending(offset, logOffset, false));
        groupsByProducer.computeIfAbsent(producerId, p -> new HashSet<>()).add(groupId);
    }

    /** Whether some transaction has an offset of this partition pending (OffsetFetch with requireStable). */
    boolean isPending(final String groupId, final TopicPartition tp) {
        final Map<TopicPartition, Map<Long, Pending>> partitions = byGroup.get(groupId);
        return partitions != null && partitions.containsKey(tp);
    }

    /** The partitions of a group with pending offsets. */
    Set<TopicPartition> partitionsOf(final String groupId) {
        final Map<TopicPartition, Map<Long, Pending>> partitions = byGroup.get(groupId);
        return partitions == null ? Set.of() : Set.copyOf(partitions.keySet());
    }

    /** A plain commit of the partition landed: it is newer than every pending offset of it. */
    void supersede(final String groupId, final TopicPartition tp) {
        supersedeBefore(groupId, tp, Long.MAX_VALUE);
    }

    /** A tombstone of the partition landed: its pending offsets go too. */
    void remove(final String groupId, final TopicPartition tp) {
        final Map<TopicPartition, Map<Long, Pending>> partitions = byGroup.get(groupId);
        if (partitions != null) {
            partitions.remove(tp);
            if (partitions.isEmpty()) {
                byGroup.remove(groupId);
            }
        }
    }

    /**
     * The COMMIT marker of {@code producerId} landed at {@code markerOffset}: removes the producer's offsets written
     * before it and returns those to apply (group → partition → offset), leaving out the superseded ones.
     */
    Map<String, Map<TopicPartition, ClassicGroup.CommittedOffset>> commit(final long producerId, final long markerOffset) {
        final Map<String, Map<TopicPartition, Pending>> decided = take(producerId, markerOffset);
        final Map<String, Map<TopicPartition, ClassicGroup.CommittedOffset>> apply = new HashMap<>();
        decided.forEach((groupId, partitions) -> partitions.forEach((tp, pending) -> {
            if (!pending.superseded()) {
                apply.computeIfAbsent(groupId, g -> new HashMap<>()).put(tp, pending.offset());
                // Now the committed offset: other transactions' offsets written before it are older.
                supersedeBefore(groupId, tp, pending.logOffset());
            }
        }));
        return apply;
    }

    /** The ABORT marker of {@code producerId} landed at {@code markerOffset}: drops its offsets written before it. */
    void abort(final long producerId, final long markerOffset) {
        take(producerId, markerOffset);
    }

    private Map<String, Map<TopicPartition, Pending>> take(final long producerId, final long markerOffset) {
        final Set<String> groupIds = groupsByProducer.remove(producerId);
        final Map<String, Map<TopicPartition, Pending>> taken = new HashMap<>();
        if (groupIds == null) {
            return taken;
        }
        for (final String groupId : groupIds) {
            final Map<TopicPartition, Map<Long, Pending>> partitions = byGroup.get(groupId);
            if (partitions == null) {
                continue;   // removed by tombstones meanwhile
            }
            boolean keepsSome = false;
            final Iterator<Map.Entry<TopicPartition, Map<Long, Pending>>> it = partitions.entrySet().iterator();
            while (it.hasNext()) {
                final Map.Entry<TopicPartition, Map<Long, Pending>> e = it.next();
                final Pending pending = e.getValue().get(producerId);
                if (pending == null) {
                    continue;
                }
                if (pending.logOffset() > markerOffset) {
                    keepsSome = true;   // written after the marker: the producer's next transaction
                    continue;
                }
                e.getValue().remove(producerId);
                taken.computeIfAbsent(groupId, g -> new HashMap<>()).put(e.getKey(), pending);
                if (e.getValue().isEmpty()) {
                    it.remove();
                }
            }
            if (partitions.isEmpty()) {
                byGroup.remove(groupId);
            }
            if (keepsSome) {
                groupsByProducer.computeIfAbsent(producerId, p -> new HashSet<>()).add(groupId);
            }
        }
        return taken;
    }

    private void supersedeBefore(final String groupId, final TopicPartition tp, final long logOffset) {
        final Map<TopicPartition, Map<Long, Pending>> partitions = byGroup.get(groupId);
        final Map<Long, Pending> producers = partitions == null ? null : partitions.get(tp);
        if (producers != null) {
            producers.replaceAll((producerId, p) -> p.logOffset() < logOffset && !p.superseded()
                    ? new Pending(p.offset(), p.logOffset(), true) : p);
        }
    }
}
