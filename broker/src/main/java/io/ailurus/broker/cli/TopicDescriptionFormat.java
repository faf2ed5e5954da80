package io.ailurus.broker.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The text of {@code ailurus topic describe}, in the tab-separated layout of Kafka's {@code kafka-topics --describe}
 * so that it reads familiar and greps well: a topic line, a configs line, then one line per partition (for a tiered
 * topic with its local and bucket extents at the end).
 */
final class TopicDescriptionFormat {

    private TopicDescriptionFormat() {
    }

    static String render(final TopicDescription topic, final Collection<ConfigEntry> configs) {
        return render(topic, configs, Map.of());
    }

    /** With the tiered figures of each partition in {@code tiered} at the end of its line. */
    static String render(final TopicDescription topic, final Collection<ConfigEntry> configs,
            final Map<Integer, TieredPartition> tiered) {
        final StringBuilder out = new StringBuilder();
        final List<TopicPartitionInfo> partitions = topic.partitions();
        final int replicationFactor = partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
        out.append("Topic: ").append(topic.name())
                .append("\tTopicId: ").append(topic.topicId())
                .append("\tPartitionCount: ").append(partitions.size())
                .append("\tReplicationFactor: ").append(replicationFactor)
                .append(topic.isInternal() ? "\tInternal: true" : "")
                .append('\n');
        out.append("Configs: ").append(nonDefault(configs)).append('\n');
        partitions.stream().sorted(Comparator.comparingInt(TopicPartitionInfo::partition)).forEach(p -> out
                .append("\tPartition: ").append(p.partition())
                .append("\tLeader: ").append(leader(p.leader()))
                .append("\tReplicas: ").append(ids(p.replicas()))
                .append("\tIsr: ").append(ids(p.isr()))
                .append(tiered.containsKey(p.partition()) ? tiered.get(p.partition()).columns() : "")
                .append('\n'));
        return out.toString();
    }

    /** The configs set on the topic itself, sorted; sensitive values hidden. */
    static String nonDefault(final Collection<ConfigEntry> configs) {
        final String set = configs.stream()
                .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .sorted(Comparator.comparing(ConfigEntry::name))
                .map(e -> e.name() + "=" + (e.isSensitive() || e.value() == null ? "(hidden)" : e.value()))
                .collect(Collectors.joining(","));
        return set.isEmpty() ? "(none set on the topic)" : set;
    }

    private static String leader(final Node leader) {
        return leader == null || leader.isEmpty() ? "none" : Integer.toString(leader.id());
    }

    private static String ids(final List<Node> nodes) {
        return nodes.isEmpty() ? "-"
                : nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(","));
    }
}
