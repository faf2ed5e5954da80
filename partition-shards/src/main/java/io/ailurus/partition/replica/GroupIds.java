package io.ailurus.partition.replica;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;

/**
 * The Raft group id of a partition on the replication wire: a 64-bit FNV-1a hash of {@code topic/partition}, the same
 * on every node without coordination. Group 0 is the controller's. A collision between two live partitions would be
 * caught when the second registers locally ({@link LocalReplicas}); at 64 bits it is not expected in practice.
 */
public final class GroupIds {

    public static final long CONTROLLER = 0L;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private GroupIds() {
    }

    public static long of(final TopicPartition tp) {
        long hash = FNV_OFFSET;
        for (final byte b : (tp.topic() + "/" + tp.partition()).getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash == CONTROLLER ? 1 : hash;
    }
}
