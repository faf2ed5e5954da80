package io.ailurus.kafka.handler;

import io.ailurus.actors.NodeConfig;
import io.ailurus.cluster.metadata.TopicConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Configs as the admin APIs describe them: a topic's effective configs (its own over the defaults) with where each
 * value comes from, and the node's static settings under Kafka's broker config names. Shared by DescribeConfigs and
 * CreateTopics (which returns the new topic's configs from v5), so both describe a topic the same way.
 */
final class ConfigEntries {

    /** The answer to AlterConfigs and IncrementalAlterConfigs on a BROKER resource. */
    static final String STATIC_BROKER_CONFIGS = "broker configs are static: set them in the node's config file";

    /** Kafka's types of the topic configs ailurus knows (ConfigDef types of LogConfig). */
    private static final Map<String, ConfigType> TOPIC_TYPES = Map.ofEntries(
            Map.entry(TopicConfigs.CLEANUP_POLICY, ConfigType.LIST),
            Map.entry(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO, ConfigType.DOUBLE),
            Map.entry(TopicConfigs.MIN_COMPACTION_LAG_MS, ConfigType.LONG),
            Map.entry(TopicConfigs.MAX_COMPACTION_LAG_MS, ConfigType.LONG),
            Map.entry(TopicConfigs.DELETE_RETENTION_MS, ConfigType.LONG),
            Map.entry(TopicConfigs.COMPRESSION_TYPE, ConfigType.STRING),
            Map.entry(TopicConfigs.MAX_MESSAGE_BYTES, ConfigType.INT),
            Map.entry(TopicConfigs.TIMESTAMP_TYPE, ConfigType.STRING),
            Map.entry(TopicConfigs.MIN_INSYNC_REPLICAS, ConfigType.INT),
            Map.entry(TopicConfigs.RETENTION_BYTES, ConfigType.LONG),
            Map.entry(TopicConfigs.RETENTION_MS, ConfigType.LONG),
            Map.entry(TopicConfigs.SEGMENT_BYTES, ConfigType.INT),
            Map.entry(TopicConfigs.SEGMENT_MS, ConfigType.LONG),
            Map.entry(TopicConfigs.REMOTE_STORAGE_ENABLE, ConfigType.BOOLEAN),
            Map.entry(TopicConfigs.LOCAL_RETENTION_MS, ConfigType.LONG),
            Map.entry(TopicConfigs.LOCAL_RETENTION_BYTES, ConfigType.LONG),
            Map.entry(TopicConfigs.REDPANDA_REMOTE_READ, ConfigType.BOOLEAN),
            Map.entry(TopicConfigs.REDPANDA_REMOTE_DELETE, ConfigType.BOOLEAN),
            Map.entry(TopicConfigs.REDPANDA_REMOTE_RECOVERY, ConfigType.BOOLEAN),
            Map.entry(TopicConfigs.REDPANDA_REMOTE_READREPLICA, ConfigType.STRING));

    /**
     * The broker config that supplies each topic config's default in Kafka. Describing it as a synonym lets tools
     * show where a default comes from, as they do against Kafka.
     */
    private static final Map<String, String> BROKER_SYNONYMS = Map.ofEntries(
            Map.entry(TopicConfigs.CLEANUP_POLICY, "log.cleanup.policy"),
            Map.entry(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO, "log.cleaner.min.cleanable.ratio"),
            Map.entry(TopicConfigs.MIN_COMPACTION_LAG_MS, "log.cleaner.min.compaction.lag.ms"),
            Map.entry(TopicConfigs.MAX_COMPACTION_LAG_MS, "log.cleaner.max.compaction.lag.ms"),
            Map.entry(TopicConfigs.DELETE_RETENTION_MS, "log.cleaner.delete.retention.ms"),
            Map.entry(TopicConfigs.COMPRESSION_TYPE, "compression.type"),
            Map.entry(TopicConfigs.MAX_MESSAGE_BYTES, "message.max.bytes"),
            Map.entry(TopicConfigs.TIMESTAMP_TYPE, "log.message.timestamp.type"),
            Map.entry(TopicConfigs.MIN_INSYNC_REPLICAS, "min.insync.replicas"),
            Map.entry(TopicConfigs.RETENTION_BYTES, "log.retention.bytes"),
            Map.entry(TopicConfigs.RETENTION_MS, "log.retention.ms"),
            Map.entry(TopicConfigs.SEGMENT_BYTES, "log.segment.bytes"),
            Map.entry(TopicConfigs.SEGMENT_MS, "log.roll.ms"),
            Map.entry(TopicConfigs.LOCAL_RETENTION_MS, "log.local.retention.ms"),
            Map.entry(TopicConfigs.LOCAL_RETENTION_BYTES, "log.local.retention.bytes"));

    private ConfigEntries() {
    }

    /** One value with its origin. */
    record Synonym(String name, String value, ConfigSource source) {
    }

    /**
     * One described config.
     *
     * @param synonyms every value that could supply this config, highest precedence first (the first is the one
     *                 in effect); sent only when a client asks for synonyms
     */
    record Entry(String name, String value, ConfigSource source, ConfigType type, boolean readOnly,
            List<Synonym> synonyms) {
    }

    /**
     * A topic's effective configs, sorted by name: every config ailurus knows, from the topic when set on it
     * (TOPIC_CONFIG), else its default (DEFAULT_CONFIG).
     */
    static List<Entry> topic(final Map<String, String> topicConfigs) {
        final Map<String, String> defaults = TopicConfigs.defaultValues();   // sorted by name
        final Map<String, String> effective = new TreeMap<>(defaults);
        effective.putAll(topicConfigs);
        final List<Entry> entries = new ArrayList<>(effective.size());
        for (final Map.Entry<String, String> e : effective.entrySet()) {
            final String name = e.getKey();
            final List<Synonym> synonyms = new ArrayList<>(2);
            if (topicConfigs.containsKey(name)) {
                synonyms.add(new Synonym(name, e.getValue(), ConfigSource.TOPIC_CONFIG));
            }
            final String brokerName = BROKER_SYNONYMS.get(name);
            if (brokerName != null && defaults.containsKey(name)) {
                synonyms.add(new Synonym(brokerName, defaults.get(name), ConfigSource.DEFAULT_CONFIG));
            }
            final ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            entries.add(new Entry(name, e.getValue(), source, TOPIC_TYPES.getOrDefault(name, ConfigType.UNKNOWN),
                    false, List.copyOf(synonyms)));
        }
        return entries;
    }

    /** Whether a topic config holds a comma-separated list (the only kind IncrementalAlterConfigs may APPEND to). */
    static boolean isList(final String topicConfig) {
        return TOPIC_TYPES.get(topicConfig) == ConfigType.LIST;
    }

    /**
     * The node's settings that clients and tools commonly read, under Kafka's broker config names. They come from the
     * node's config file and cannot be changed at runtime, hence read-only and STATIC_BROKER_CONFIG.
     */
    static List<Entry> broker(final NodeConfig config) {
        return List.of(
                staticEntry("auto.create.topics.enable", Boolean.toString(config.autoCreateTopics()), ConfigType.BOOLEAN),
                staticEntry("broker.id", Integer.toString(config.nodeId()), ConfigType.INT),
                staticEntry("default.replication.factor", Short.toString(config.defaultReplicationFactor()), ConfigType.INT),
                staticEntry("log.dirs", config.dataDir().toAbsolutePath().toString(), ConfigType.STRING),
                staticEntry("node.id", Integer.toString(config.nodeId()), ConfigType.INT),
                staticEntry("num.partitions", Integer.toString(config.defaultPartitions()), ConfigType.INT),
                staticEntry("socket.request.max.bytes", Integer.toString(config.maxRequestBytes()), ConfigType.INT));
    }

    private static Entry staticEntry(final String name, final String value, final ConfigType type) {
        return new Entry(name, value, ConfigSource.STATIC_BROKER_CONFIG, type, true,
                List.of(new Synonym(name, value, ConfigSource.STATIC_BROKER_CONFIG)));
    }

    /** A DescribeConfigs entry; synonyms only when asked for (Kafka leaves them out otherwise). */
    static DescribeConfigsResourceResult toDescribed(final Entry entry, final boolean includeSynonyms) {
        final List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
        if (includeSynonyms) {
            for (final Synonym s : entry.synonyms()) {
                synonyms.add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id()));
            }
        }
        return new DescribeConfigsResourceResult()
                .setName(entry.name())
                .setValue(entry.value())
                .setReadOnly(entry.readOnly())
                .setConfigSource(entry.source().id())
                .setIsSensitive(false)
                .setSynonyms(synonyms)
                .setConfigType(entry.type().id())
                .setDocumentation(null);
    }

    /** A CreateTopics (v5+) entry. */
    static CreatableTopicConfigs toCreated(final Entry entry) {
        return new CreatableTopicConfigs()
                .setName(entry.name())
                .setValue(entry.value())
                .setReadOnly(entry.readOnly())
                .setConfigSource(entry.source().id())
                .setIsSensitive(false);
    }

    /**
     * Why a BROKER or BROKER_LOGGER resource name does not name this node (Kafka's messages), or null when it does.
     * Kafka addresses a broker's own configs by its id as a decimal string.
     */
    static String notThisBroker(final String resourceName, final int nodeId) {
        final int id;
        try {
            id = Integer.parseInt(resourceName);
        } catch (NumberFormatException e) {
            return "Broker id must be an integer, but it is: " + resourceName;
        }
        return id == nodeId ? null : "Unexpected broker id, expected " + nodeId + " but received " + resourceName;
    }
}
