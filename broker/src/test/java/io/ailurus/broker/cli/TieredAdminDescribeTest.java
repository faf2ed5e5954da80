package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The tiered columns of {@code topic describe}, and when they are shown. */
class TieredAdminDescribeTest {

    private static final Node N1 = new Node(1, "h1", 9092);

    private static ConfigEntry entry(final String name, final String value, final ConfigSource source) {
        return new ConfigEntry(name, value, source, false, false, List.of(), ConfigEntry.ConfigType.STRING, null);
    }

    @Test
    void eachPartitionLineEndsWithItsLocalAndBucketExtents() {
        final TopicDescription topic = new TopicDescription("logs", false, List.of(
                new TopicPartitionInfo(0, N1, List.of(N1), List.of(N1)),
                new TopicPartitionInfo(1, N1, List.of(N1), List.of(N1)),
                new TopicPartitionInfo(2, null, List.of(N1), List.of())), Set.of(),
                Uuid.fromString("MKXx1fIkQy2J9jXcsaaeYQ"));
        final List<ConfigEntry> configs = List.of(entry("remote.storage.enable", "true", ConfigSource.DYNAMIC_TOPIC_CONFIG));
        assertEquals("""
                Topic: logs\tTopicId: MKXx1fIkQy2J9jXcsaaeYQ\tPartitionCount: 3\tReplicationFactor: 1
                Configs: remote.storage.enable=true
                \tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tLocalStart: 1500\tRemoteStart: 0\tTieredUpTo: 1999\tLocalBytes: 32768
                \tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tLocalStart: 0\tRemoteStart: -\tTieredUpTo: -\tLocalBytes: 120
                \tPartition: 2\tLeader: none\tReplicas: 1\tIsr: -\tLocalStart: ?\tRemoteStart: ?\tTieredUpTo: ?\tLocalBytes: ?
                """, TopicDescriptionFormat.render(topic, configs, Map.of(
                        0, new TieredPartition(1500L, 0L, 1999L, 32768L),
                        1, new TieredPartition(0L, -1L, -1L, 120L),
                        2, new TieredPartition(null, null, null, null))));
    }

    @Test
    void shownForTopicsThatKeepDataInTheBucket() {
        assertTrue(TieredPartitions.tiered(List.of(entry("remote.storage.enable", "true", ConfigSource.DYNAMIC_TOPIC_CONFIG))));
        assertTrue(TieredPartitions.tiered(List.of(entry("redpanda.remote.recovery", "true", ConfigSource.DYNAMIC_TOPIC_CONFIG))));
        assertFalse(TieredPartitions.tiered(List.of(entry("remote.storage.enable", "false", ConfigSource.DEFAULT_CONFIG))));
        assertFalse(TieredPartitions.tiered(List.of()));
    }
}
