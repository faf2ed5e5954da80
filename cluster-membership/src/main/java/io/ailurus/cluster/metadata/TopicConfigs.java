package io.ailurus.cluster.metadata;

import io.ailurus.partition.log.CleanupPolicy;
import io.ailurus.partition.log.CompactionConfig;
import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.RemoteStorageConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;

/**
 * The topic configs ailurus understands, their defaults and validation, and their translation into the log's
 * settings. Names and semantics are Kafka's; an unknown name or a bad value is INVALID_CONFIG, never ignored.
 */
public final class TopicConfigs {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";
    public static final String LOCAL_RETENTION_MS = "local.retention.ms";
    public static final String LOCAL_RETENTION_BYTES = "local.retention.bytes";
    /** Redpanda's names: write is {@code remote.storage.enable}; reads from the bucket need no switch here. */
    public static final String REDPANDA_REMOTE_WRITE = "redpanda.remote.write";
    public static final String REDPANDA_REMOTE_READ = "redpanda.remote.read";
    public static final String REDPANDA_REMOTE_DELETE = "redpanda.remote.delete";
    /** Creating a topic with it restores the topic from the bucket (it implies remote storage). */
    public static final String REDPANDA_REMOTE_RECOVERY = "redpanda.remote.recovery";
    /** A read-only topic that serves another cluster's uploads of the same topic from this bucket. */
    public static final String REDPANDA_REMOTE_READREPLICA = "redpanda.remote.readreplica";

    /** Accepted on input and stored under Kafka's name, so that a topic describes one value, not two. */
    private static final Map<String, String> ALIASES = Map.of(REDPANDA_REMOTE_WRITE, REMOTE_STORAGE_ENABLE);

    private static final Map<String, String> DEFAULTS = defaults();

    private TopicConfigs() {
    }

    private static Map<String, String> defaults() {
        final LogConfig d = LogConfig.defaults();
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(CLEANUP_POLICY, "delete");
        m.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(CompactionConfig.DEFAULT_MIN_CLEANABLE_DIRTY_RATIO));
        m.put(MIN_COMPACTION_LAG_MS, Long.toString(CompactionConfig.DEFAULT_MIN_COMPACTION_LAG_MS));
        m.put(MAX_COMPACTION_LAG_MS, Long.toString(CompactionConfig.DEFAULT_MAX_COMPACTION_LAG_MS));
        m.put(DELETE_RETENTION_MS, Long.toString(CompactionConfig.DEFAULT_DELETE_RETENTION_MS));
        m.put(COMPRESSION_TYPE, "producer");
        m.put(MAX_MESSAGE_BYTES, Integer.toString(d.maxMessageBytes()));
        m.put(TIMESTAMP_TYPE, "CreateTime");
        m.put(MIN_INSYNC_REPLICAS, "1");
        m.put(RETENTION_BYTES, Long.toString(d.retentionBytes()));
        m.put(RETENTION_MS, Long.toString(d.retentionMs()));
        m.put(SEGMENT_BYTES, Integer.toString(d.segmentBytes()));
        m.put(SEGMENT_MS, Long.toString(d.segmentMs()));
        m.put(REMOTE_STORAGE_ENABLE, "false");
        m.put(LOCAL_RETENTION_MS, Long.toString(RemoteStorageConfig.FOLLOW_TOTAL));
        m.put(LOCAL_RETENTION_BYTES, Long.toString(RemoteStorageConfig.FOLLOW_TOTAL));
        m.put(REDPANDA_REMOTE_READ, "true");
        m.put(REDPANDA_REMOTE_DELETE, "true");
        m.put(REDPANDA_REMOTE_RECOVERY, "false");
        m.put(REDPANDA_REMOTE_READREPLICA, "");
        return Map.copyOf(m);
    }

    /** Every supported config with its default value, sorted by name. */
    public static Map<String, String> defaultValues() {
        return new TreeMap<>(DEFAULTS);
    }

    public static boolean isKnown(final String name) {
        return DEFAULTS.containsKey(name) || ALIASES.containsKey(name);
    }

    /** Checks every entry; returns a copy with aliases under their canonical names. */
    public static Map<String, String> validate(final Map<String, String> configs) {
        final Map<String, String> canonical = new LinkedHashMap<>();
        for (final Map.Entry<String, String> e : configs.entrySet()) {
            validate(e.getKey(), e.getValue());
            final String name = ALIASES.getOrDefault(e.getKey(), e.getKey());
            final String previous = canonical.put(name, e.getValue());
            if (previous != null && !previous.trim().equalsIgnoreCase(e.getValue().trim())) {
                throw new InvalidConfigurationException("Topic configs " + name + " and its alias disagree: '"
                        + previous + "' and '" + e.getValue() + "'");
            }
        }
        toLogConfig(canonical);   // cross-field checks (LogConfig's own constructor)
        return Map.copyOf(canonical);
    }

    private static void validate(final String name, final String value) {
        if (!isKnown(name)) {
            throw new InvalidConfigurationException("Unknown topic config name: " + name);
        }
        if (value == null) {
            throw new InvalidConfigurationException("Topic config " + name + " needs a value");
        }
        switch (name) {
            case CLEANUP_POLICY -> {
                try {
                    CleanupPolicy.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException(e.getMessage());
                }
            }
            case COMPRESSION_TYPE -> {
                if (!value.equals("producer")) {
                    throw new InvalidConfigurationException("compression.type '" + value
                            + "' is not supported: batches are kept as the producer compressed them ('producer')");
                }
            }
            case TIMESTAMP_TYPE -> {
                if (!value.equals("CreateTime") && !value.equals("LogAppendTime")) {
                    throw new InvalidConfigurationException("message.timestamp.type must be CreateTime or LogAppendTime, was '" + value + "'");
                }
            }
            case RETENTION_MS, RETENTION_BYTES -> parseLong(name, value, -1, Long.MAX_VALUE);
            case MIN_COMPACTION_LAG_MS, DELETE_RETENTION_MS -> parseLong(name, value, 0, Long.MAX_VALUE);
            case MAX_COMPACTION_LAG_MS -> parseLong(name, value, 1, Long.MAX_VALUE);
            case MIN_CLEANABLE_DIRTY_RATIO -> parseRatio(name, value);
            case LOCAL_RETENTION_MS, LOCAL_RETENTION_BYTES -> parseLong(name, value, RemoteStorageConfig.FOLLOW_TOTAL, Long.MAX_VALUE);
            case REMOTE_STORAGE_ENABLE, REDPANDA_REMOTE_WRITE, REDPANDA_REMOTE_READ, REDPANDA_REMOTE_DELETE,
                    REDPANDA_REMOTE_RECOVERY -> parseBoolean(name, value);
            case REDPANDA_REMOTE_READREPLICA -> {
                if (!value.isEmpty() && !value.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                    throw new InvalidConfigurationException("redpanda.remote.readreplica must name a bucket, was '" + value + "'");
                }
            }
            case SEGMENT_MS -> parseLong(name, value, 1, Long.MAX_VALUE);
            case SEGMENT_BYTES -> parseLong(name, value, 14, Integer.MAX_VALUE);
            case MAX_MESSAGE_BYTES -> parseLong(name, value, 0, Integer.MAX_VALUE);
            case MIN_INSYNC_REPLICAS -> parseLong(name, value, 1, Integer.MAX_VALUE);
            default -> throw new IllegalStateException(name);
        }
    }

    private static double parseRatio(final String name, final String value) {
        final double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("Topic config " + name + " must be a number, was '" + value + "'");
        }
        if (!(v >= 0 && v <= 1)) {
            throw new InvalidConfigurationException("Topic config " + name + " must be in [0, 1], was " + v);
        }
        return v;
    }

    private static boolean parseBoolean(final String name, final String value) {
        final String v = value.trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new InvalidConfigurationException("Topic config " + name + " must be true or false, was '" + value + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static long parseLong(final String name, final String value, final long min, final long max) {
        final long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("Topic config " + name + " must be a number, was '" + value + "'");
        }
        if (v < min || v > max) {
            throw new InvalidConfigurationException("Topic config " + name + " must be in [" + min + ", " + max + "], was " + v);
        }
        return v;
    }

    /** Tiered storage settings; a restored topic has remote storage unless the request turned it off explicitly. */
    private static RemoteStorageConfig remoteStorage(final Map<String, String> given, final Map<String, String> c) {
        final boolean recovery = Boolean.parseBoolean(c.get(REDPANDA_REMOTE_RECOVERY).trim());
        final boolean enabled = given.containsKey(REMOTE_STORAGE_ENABLE)
                ? Boolean.parseBoolean(c.get(REMOTE_STORAGE_ENABLE).trim()) : recovery;
        return new RemoteStorageConfig(enabled,
                Long.parseLong(c.get(LOCAL_RETENTION_MS).trim()),
                Long.parseLong(c.get(LOCAL_RETENTION_BYTES).trim()),
                Boolean.parseBoolean(c.get(REDPANDA_REMOTE_DELETE).trim()),
                recovery,
                c.get(REDPANDA_REMOTE_READREPLICA).trim());
    }

    /** Whether topics with these configs keep data in the bucket (and so need a node with tiered storage). */
    public static boolean usesBucket(final Map<String, String> configs) {
        return toLogConfig(configs).remote().usesBucket();
    }

    /** The log settings for a topic with these (validated) configs. */
    public static LogConfig toLogConfig(final Map<String, String> configs) {
        final Map<String, String> c = new LinkedHashMap<>(DEFAULTS);
        c.putAll(configs);
        try {
            return LogConfig.defaults()
                    .withSegmentBytes(Integer.parseInt(c.get(SEGMENT_BYTES).trim()))
                    .withSegmentMs(Long.parseLong(c.get(SEGMENT_MS).trim()))
                    .withRetentionBytes(Long.parseLong(c.get(RETENTION_BYTES).trim()))
                    .withRetentionMs(Long.parseLong(c.get(RETENTION_MS).trim()))
                    .withMaxMessageBytes(Integer.parseInt(c.get(MAX_MESSAGE_BYTES).trim()))
                    .withTimestampType("LogAppendTime".equals(c.get(TIMESTAMP_TYPE))
                            ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME)
                    .withRemote(remoteStorage(configs, c))
                    .withCompaction(new CompactionConfig(CleanupPolicy.parse(c.get(CLEANUP_POLICY)),
                            Double.parseDouble(c.get(MIN_CLEANABLE_DIRTY_RATIO).trim()),
                            Long.parseLong(c.get(MIN_COMPACTION_LAG_MS).trim()),
                            Long.parseLong(c.get(MAX_COMPACTION_LAG_MS).trim()),
                            Long.parseLong(c.get(DELETE_RETENTION_MS).trim())));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }
}
