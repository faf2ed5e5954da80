package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class TopicDescriptionFormatTest {

    private static final Node N1 = new Node(1, "h1", 9092);
    private static final Node N2 = new Node(2, "h2", 9092);
    private static final Node N3 = new Node(3, "h3", 9092);

    private static ConfigEntry entry(final String name, final String value, final ConfigSource source,
            final boolean sensitive) {
        return new ConfigEntry(name, value, source, sensitive, false, List.of(), ConfigEntry.ConfigType.STRING, null);
    }

    @Test
    void topicLineConfigsAndOnePartitionPerLine() {
        final Uuid id = Uuid.fromString("MKXx1fIkQy2J9jXcsaaeYQ");
        final TopicDescription topic = new TopicDescription("orders", false, List.of(
                new TopicPartitionInfo(1, null, List.of(N2, N3, N1), List.of()),
                new TopicPartitionInfo(0, N1, List.of(N1, N2, N3), List.of(N1, N2))), Set.of(), id);
        final List<ConfigEntry> configs = List.of(
                entry("segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG, false),
                entry("retention.ms", "86400000", ConfigSource.DYNAMIC_TOPIC_CONFIG, false),
                entry("cleanup.policy", "compact", ConfigSource.DYNAMIC_TOPIC_CONFIG, false),
                entry("log.retention.hours", "24", ConfigSource.STATIC_BROKER_CONFIG, false),
                entry("secret.thing", null, ConfigSource.DYNAMIC_TOPIC_CONFIG, true));
        assertEquals("""
                Topic: orders\tTopicId: MKXx1fIkQy2J9jXcsaaeYQ\tPartitionCount: 2\tReplicationFactor: 3
                Configs: cleanup.policy=compact,retention.ms=86400000,secret.thing=(hidden)
                \tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2
                \tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: -
                """, TopicDescriptionFormat.render(topic, configs));
    }

    @Test
    void saysSoWhenNothingIsSetOnTheTopic() {
        assertEquals("(none set on the topic)", TopicDescriptionFormat.nonDefault(
                List.of(entry("segment.bytes", "1", ConfigSource.DEFAULT_CONFIG, false))));
    }
}
