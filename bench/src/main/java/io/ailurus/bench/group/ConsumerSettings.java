package io.ailurus.bench.group;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consumers' settings, the same for both brokers: the classic group protocol, heartbeat.interval.ms 500,
 * session.timeout.ms 10000, and kafka-clients' defaults otherwise, in particular partition.assignment.strategy
 * ([range, cooperative-sticky]: every member lists range first, so the group uses range, an eager assignor) and
 * max.poll.interval.ms (300 s, which is also the rebalance timeout). Auto-commit is off: with it on, a member commits
 * its positions before it rejoins and before it leaves, and the figures would include commits of an idle consumer
 * rather than only the group protocol.
 */
final class ConsumerSettings {

    static final int HEARTBEAT_INTERVAL_MS = 500;
    static final int SESSION_TIMEOUT_MS = 10_000;

    private ConsumerSettings() {
    }

    static Map<String, Object> member(final String bootstrap, final String groupId, final String clientId,
            final Map<String, String> extra) {
        final Map<String, Object> props = base(bootstrap, groupId, clientId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        props.putAll(extra);
        return props;
    }

    /** A consumer that assigns its partitions itself and uses the group only to commit offsets. */
    static Map<String, Object> committer(final String bootstrap, final String groupId, final Map<String, String> extra) {
        final Map<String, Object> props = base(bootstrap, groupId, "group-bench-committer");
        props.putAll(extra);
        return props;
    }

    private static Map<String, Object> base(final String bootstrap, final String groupId, final String clientId) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
