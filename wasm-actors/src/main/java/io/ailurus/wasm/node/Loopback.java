package io.ailurus.wasm.node;

import io.ailurus.partition.replica.BrokerChannel;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The node's own Kafka clients, pointed at its listener: transforms write their outputs, logs and binaries, and keep
 * their progress, through the Kafka API like any producer, so the partitions' leaders may be anywhere in the cluster.
 */
final class Loopback implements AutoCloseable {

    private final String bootstrap;
    private final Map<String, Object> security;
    private final BrokerChannel.Security channelSecurity;
    private KafkaProducer<byte[], byte[]> producer;   // guarded by this; made on first use, like the admin client
    private Admin admin;                              // guarded by this
    private boolean closed;                           // guarded by this

    /**
     * @param security        kafka-clients settings that reach the listener as this node (TLS, SASL login)
     * @param channelSecurity the same for the raw channels of {@link SequencedWriter}
     */
    Loopback(final String bootstrap, final Map<String, Object> security, final BrokerChannel.Security channelSecurity) {
        this.bootstrap = bootstrap;
        this.security = Map.copyOf(security);
        this.channelSecurity = channelSecurity;
    }

    BrokerChannel.Security channelSecurity() {
        return channelSecurity;
    }

    synchronized KafkaProducer<byte[], byte[]> producer() {
        if (closed) {
            throw new IllegalStateException("the node is stopping");
        }
        if (producer == null) {
            producer = newProducer();
        }
        return producer;
    }

    synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("the node is stopping");
        }
        if (admin == null) {
            final Map<String, Object> settings = new java.util.HashMap<>(security);
            settings.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.CLIENT_ID_CONFIG, "ailurus-transforms-admin",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                    // A request to a node that just died is given up after 5 s and retried elsewhere, well within the
                    // call's 30 s, so a transform partition moved by that death starts in seconds.
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.METADATA_MAX_AGE_CONFIG, 5_000));
            admin = Admin.create(settings);
        }
        return admin;
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        final Properties p = new Properties();
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ailurus-transforms");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer of its own (for reading binaries back); the caller closes it. */
    KafkaConsumer<byte[], byte[]> consumer() {
        final Properties p = new Properties();
        p.putAll(security);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ailurus-transforms-binaries");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 << 20);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }
}
