package io.ailurus.bench.broker;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer and consumer settings, the same for both brokers: kafka-clients' defaults (batch.size 16 KiB,
 * linger.ms 5, no compression, 5 requests in flight, idempotence on with acks=all and off with acks=1) plus the
 * acks of the case and whatever {@code --producer-prop} / {@code --consumer-prop} add. The consumer has no group:
 * the benchmark assigns partitions and seeks, so no group coordinator is involved.
 */
public final class ClientConfigs {

    private ClientConfigs() {
    }

    public static Map<String, Object> producer(final String bootstrap, final String acks, final BrokerBenchOptions options) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "broker-bench-producer");
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(tls(options));
        props.putAll(options.producerProps());
        return props;
    }

    private static Map<String, Object> tls(final BrokerBenchOptions options) {
        if (!options.tls()) {
            return Map.of();
        }
        try {
            return TlsMaterial.in(options.baseDir()).clientProps();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> consumer(final String bootstrap, final BrokerBenchOptions options) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "broker-bench-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(tls(options));
        props.putAll(options.consumerProps());
        return props;
    }
}
