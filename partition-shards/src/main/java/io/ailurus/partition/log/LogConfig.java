package io.ailurus.partition.log;

import org.apache.kafka.common.record.TimestampType;

/**
 * The per-partition settings the segment log obeys; the names follow Kafka's topic configs.
 *
 * @param segmentBytes         roll the active segment before it grows past this size ({@code segment.bytes})
 * @param segmentMs            roll the active segment once its first batch is this old ({@code segment.ms})
 * @param retentionBytes       delete the oldest closed segments while the log is larger; -1 keeps all ({@code retention.bytes})
 * @param retentionMs          delete closed segments whose newest record is older; -1 keeps all ({@code retention.ms})
 * @param maxMessageBytes      the largest batch accepted ({@code max.message.bytes})
 * @param timestampType        CREATE_TIME keeps the producer's timestamps, LOG_APPEND_TIME stamps the broker's clock
 *                             ({@code message.timestamp.type})
 * @param indexIntervalBytes   bytes of batches between two sparse index entries ({@code index.interval.bytes})
 * @param remote               tiered storage ({@code remote.storage.enable}, {@code local.retention.*})
 * @param compaction           whether retention deletes, whether and how the log is compacted ({@code cleanup.policy}, ...)
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        long retentionBytes,
        long retentionMs,
        int maxMessageBytes,
        TimestampType timestampType,
        int indexIntervalBytes,
        RemoteStorageConfig remote,
        CompactionConfig compaction) {

    public static final int DEFAULT_SEGMENT_BYTES = 1 << 30;
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

    /** The smallest segment that still holds a batch header; guards against configs that would roll on every append. */
    static final int MIN_SEGMENT_BYTES = 14;

    public LogConfig {
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment.bytes must be at least " + MIN_SEGMENT_BYTES + ", was " + segmentBytes);
        }
        if (segmentMs <= 0) {
            throw new IllegalArgumentException("segment.ms must be positive, was " + segmentMs);
        }
        if (retentionBytes < -1 || retentionMs < -1) {
            throw new IllegalArgumentException("retention.bytes and retention.ms must be -1 (unlimited) or >= 0");
        }
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("max.message.bytes must be positive, was " + maxMessageBytes);
        }
        if (timestampType != TimestampType.CREATE_TIME && timestampType != TimestampType.LOG_APPEND_TIME) {
            throw new IllegalArgumentException("message.timestamp.type must be CreateTime or LogAppendTime");
        }
        if (remote == null || compaction == null) {
            throw new IllegalArgumentException("remote storage and compaction settings are required");
        }
        if (compaction.policy().compacts() && remote.usesBucket()) {
            throw new IllegalArgumentException("cleanup.policy " + compaction.policy().configValue()
                    + " cannot be combined with tiered storage: the bucket holds uncompacted segments");
        }
        if (remote.enabled()) {
            checkLocalWithinTotal("local.retention.ms", remote.effectiveLocalRetentionMs(retentionMs), "retention.ms", retentionMs);
            checkLocalWithinTotal("local.retention.bytes", remote.effectiveLocalRetentionBytes(retentionBytes),
                    "retention.bytes", retentionBytes);
        }
        if (indexIntervalBytes < 0) {
            throw new IllegalArgumentException("index.interval.bytes must be >= 0, was " + indexIntervalBytes);
        }
    }

    private static void checkLocalWithinTotal(final String localName, final long local, final String totalName,
            final long total) {
        if (total >= 0 && (local < 0 || local > total)) {
            throw new IllegalArgumentException(localName + " (" + local + ") must not exceed " + totalName + " (" + total
                    + "): the local disk keeps a recent part of what the bucket keeps");
        }
    }

    /** Kafka's defaults. */
    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES, DEFAULT_SEGMENT_MS, -1, DEFAULT_RETENTION_MS,
                DEFAULT_MAX_MESSAGE_BYTES, TimestampType.CREATE_TIME, DEFAULT_INDEX_INTERVAL_BYTES, RemoteStorageConfig.DISABLED, CompactionConfig.DEFAULTS);
    }

    public LogConfig withSegmentBytes(int value) {
        return new LogConfig(value, segmentMs, retentionBytes, retentionMs, maxMessageBytes, timestampType, indexIntervalBytes, remote, compaction);
    }

    public LogConfig withSegmentMs(long value) {
        return new LogConfig(segmentBytes, value, retentionBytes, retentionMs, maxMessageBytes, timestampType, indexIntervalBytes, remote, compaction);
    }

    public LogConfig withRetentionBytes(long value) {
        return new LogConfig(segmentBytes, segmentMs, value, retentionMs, maxMessageBytes, timestampType, indexIntervalBytes, remote, compaction);
    }

    public LogConfig withRetentionMs(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionBytes, value, maxMessageBytes, timestampType, indexIntervalBytes, remote, compaction);
    }

    public LogConfig withMaxMessageBytes(int value) {
        return new LogConfig(segmentBytes, segmentMs, retentionBytes, retentionMs, value, timestampType, indexIntervalBytes, remote, compaction);
    }

    public LogConfig withTimestampType(TimestampType value) {
        return new LogConfig(segmentBytes, segmentMs, retentionBytes, retentionMs, maxMessageBytes, value, indexIntervalBytes, remote, compaction);
    }

    public LogConfig withIndexIntervalBytes(int value) {
        return new LogConfig(segmentBytes, segmentMs, retentionBytes, retentionMs, maxMessageBytes, timestampType, value, remote, compaction);
    }

    public LogConfig withCompaction(CompactionConfig value) {
        return new LogConfig(segmentBytes, segmentMs, retentionBytes, retentionMs, maxMessageBytes, timestampType, indexIntervalBytes, remote, value);
    }

    public LogConfig withCleanupPolicy(CleanupPolicy value) {
        return withCompaction(compaction.withPolicy(value));
    }

    public CleanupPolicy cleanupPolicy() {
        return compaction.policy();
    }

    public LogConfig withRemote(RemoteStorageConfig value) {
        return new LogConfig(segmentBytes, segmentMs, retentionBytes, retentionMs, maxMessageBytes, timestampType, indexIntervalBytes, value, compaction);
    }
}
