package io.ailurus.kafka.group;

import com.typesafe.config.Config;

/**
 * Group coordination settings (the {@code ailurus.groups} config block), named after Kafka's broker configs.
 *
 * @param offsetsTopicPartitions      partitions of {@code __consumer_offsets} (offsets.topic.num.partitions)
 * @param offsetsTopicSegmentBytes    segment size of {@code __consumer_offsets} (offsets.topic.segment.bytes): the
 *                                    log cleaner compacts closed segments only
 * @param minSessionTimeoutMs         group.min.session.timeout.ms
 * @param maxSessionTimeoutMs         group.max.session.timeout.ms
 * @param initialRebalanceDelayMs     group.initial.rebalance.delay.ms: how long a new group waits for more members
 * @param offsetsRetentionMs          offsets.retention.minutes, in ms: committed offsets of empty groups expire after it
 * @param offsetMetadataMaxBytes      offset.metadata.max.bytes
 * @param maxGroupSize                group.max.size
 * @param consumerSessionTimeoutMs    group.consumer.session.timeout.ms (consumer protocol, KIP-848)
 * @param consumerHeartbeatIntervalMs group.consumer.heartbeat.interval.ms (consumer protocol, KIP-848)
 */
public record GroupSettings(
        int offsetsTopicPartitions,
        int offsetsTopicSegmentBytes,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int initialRebalanceDelayMs,
        long offsetsRetentionMs,
        int offsetMetadataMaxBytes,
        int maxGroupSize,
        int consumerSessionTimeoutMs,
        int consumerHeartbeatIntervalMs) {

    public static GroupSettings from(final Config root) {
        final Config c = root.getConfig("ailurus.groups");
        return new GroupSettings(
                c.getInt("offsets-topic-partitions"),
                (int) c.getBytes("offsets-topic-segment-bytes").longValue(),
                (int) c.getDuration("min-session-timeout").toMillis(),
                (int) c.getDuration("max-session-timeout").toMillis(),
                (int) c.getDuration("initial-rebalance-delay").toMillis(),
                c.getDuration("offsets-retention").toMillis(),
                c.getInt("offset-metadata-max-bytes"),
                c.getInt("max-group-size"),
                (int) c.getDuration("consumer-session-timeout").toMillis(),
                (int) c.getDuration("consumer-heartbeat-interval").toMillis());
    }
}
