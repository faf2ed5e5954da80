package io.ailurus.bench.tier;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumer settings: kafka-clients' defaults (max.partition.fetch.bytes 1 MiB, fetch.max.bytes 50 MiB,
 * fetch.max.wait.ms 500), no group, no auto-commit, as BrokerBench's consumer, plus {@code --consumer-prop}. The
 * producer is BrokerBench's own ({@code ThroughputProducer}, with its {@code ClientConfigs}).
 */
final class ClientProps {

    private ClientProps() {
    }

    static Map<String, Object> consumer(final String bootstrap, final String clientId,
            final TierBenchOptions options) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(options.consumerProps());
        return props;
    }
}
