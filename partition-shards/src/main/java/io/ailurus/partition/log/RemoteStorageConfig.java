package io.ailurus.partition.log;

/**
 * Tiered storage settings of a topic (Kafka's names). With remote storage on, closed segments go to the bucket, the
 * local disk keeps only what local retention allows (and never a segment that is not in the bucket yet), and
 * {@code retention.*} govern the bucket.
 *
 * @param enabled             {@code remote.storage.enable} (Redpanda: {@code redpanda.remote.write})
 * @param localRetentionMs    {@code local.retention.ms}: -2 follows {@code retention.ms}, -1 keeps all
 * @param localRetentionBytes {@code local.retention.bytes}: -2 follows {@code retention.bytes}, -1 keeps all
 * @param deleteOnTopicDelete {@code redpanda.remote.delete}: deleting the topic deletes its objects
 * @param recovery            {@code redpanda.remote.recovery}: the topic was created from the bucket, so a new log
 *                            continues where the bucket ends
 * @param readReplicaBucket   {@code redpanda.remote.readreplica}: the bucket another cluster uploads this topic to;
 *                            the topic serves what is there and refuses produce ("" when not a read replica)
 */
public record RemoteStorageConfig(boolean enabled, long localRetentionMs, long localRetentionBytes,
        boolean deleteOnTopicDelete, boolean recovery, String readReplicaBucket) {

    /** Kafka's value for "as retention.*". */
    public static final long FOLLOW_TOTAL = -2;

    public static final RemoteStorageConfig DISABLED = new RemoteStorageConfig(false, FOLLOW_TOTAL, FOLLOW_TOTAL, true, false, "");

    public RemoteStorageConfig {
        if (localRetentionMs < FOLLOW_TOTAL || localRetentionBytes < FOLLOW_TOTAL) {
            throw new IllegalArgumentException("local.retention.ms and local.retention.bytes must be -2, -1 or >= 0");
        }
        if (readReplicaBucket == null) {
            throw new IllegalArgumentException("the read replica bucket is \"\" when the topic is not a read replica");
        }
        if (!readReplicaBucket.isEmpty() && (enabled || recovery)) {
            throw new IllegalArgumentException("a read replica (redpanda.remote.readreplica) neither uploads "
                    + "(remote.storage.enable) nor restores (redpanda.remote.recovery)");
        }
        if (recovery && !enabled) {
            throw new IllegalArgumentException("redpanda.remote.recovery needs remote.storage.enable=true");
        }
    }

    public boolean readReplica() {
        return !readReplicaBucket.isEmpty();
    }

    /** Whether the topic's data lives in a bucket (it uploads there, or reads another cluster's uploads). */
    public boolean usesBucket() {
        return enabled || readReplica();
    }

    /** The local time limit in force given the total one: -2 resolves to it. */
    public long effectiveLocalRetentionMs(final long retentionMs) {
        return localRetentionMs == FOLLOW_TOTAL ? retentionMs : localRetentionMs;
    }

    public long effectiveLocalRetentionBytes(final long retentionBytes) {
        return localRetentionBytes == FOLLOW_TOTAL ? retentionBytes : localRetentionBytes;
    }
}
