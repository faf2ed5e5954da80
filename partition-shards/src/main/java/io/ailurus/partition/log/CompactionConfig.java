package io.ailurus.partition.log;

/**
 * How a log is cleaned: {@code cleanup.policy} and, for compacted topics, Kafka's compaction settings.
 *
 * @param policy                 delete, compact, or both
 * @param minCleanableDirtyRatio clean once this share of the cleanable bytes was written since the last cleaning
 *                               ({@code min.cleanable.dirty.ratio})
 * @param minCompactionLagMs     a record stays uncompacted at least this long ({@code min.compaction.lag.ms})
 * @param maxCompactionLagMs     a record is compacted within this long whatever the dirty ratio
 *                               ({@code max.compaction.lag.ms})
 * @param deleteRetentionMs      a tombstone stays this long after its write, so consumers see the delete
 *                               ({@code delete.retention.ms})
 */
public record CompactionConfig(CleanupPolicy policy, double minCleanableDirtyRatio, long minCompactionLagMs,
        long maxCompactionLagMs, long deleteRetentionMs) {

    public static final double DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;
    public static final long DEFAULT_MIN_COMPACTION_LAG_MS = 0;
    public static final long DEFAULT_MAX_COMPACTION_LAG_MS = Long.MAX_VALUE;
    public static final long DEFAULT_DELETE_RETENTION_MS = 24L * 60 * 60 * 1000;

    public static final CompactionConfig DEFAULTS = new CompactionConfig(CleanupPolicy.DELETE,
            DEFAULT_MIN_CLEANABLE_DIRTY_RATIO, DEFAULT_MIN_COMPACTION_LAG_MS, DEFAULT_MAX_COMPACTION_LAG_MS,
            DEFAULT_DELETE_RETENTION_MS);

    public CompactionConfig {
        if (policy == null) {
            throw new IllegalArgumentException("a cleanup policy is required");
        }
        if (minCleanableDirtyRatio < 0 || minCleanableDirtyRatio > 1) {
            throw new IllegalArgumentException("min.cleanable.dirty.ratio must be in [0, 1], was " + minCleanableDirtyRatio);
        }
        if (minCompactionLagMs < 0 || maxCompactionLagMs < 1 || deleteRetentionMs < 0) {
            throw new IllegalArgumentException("min.compaction.lag.ms and delete.retention.ms must be >= 0, "
                    + "max.compaction.lag.ms >= 1");
        }
        if (maxCompactionLagMs < minCompactionLagMs) {
            throw new IllegalArgumentException("max.compaction.lag.ms (" + maxCompactionLagMs
                    + ") must not be below min.compaction.lag.ms (" + minCompactionLagMs + ")");
        }
    }

    public CompactionConfig withPolicy(final CleanupPolicy value) {
        return new CompactionConfig(value, minCleanableDirtyRatio, minCompactionLagMs, maxCompactionLagMs, deleteRetentionMs);
    }
}
