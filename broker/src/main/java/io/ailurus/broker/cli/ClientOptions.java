package io.ailurus.broker.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a broker shares (a picocli mixin), and the kafka-clients configuration
 * derived from them: where the broker is, how long any one call may take, and extra client properties.
 */
final class ClientOptions {

    /** Added to a future's own timeout, so that the client reports its timeout before we stop waiting. */
    private static final long GRACE_MS = 2_000;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:AILURUS_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Broker(s) to connect to (default: ${DEFAULT-VALUE}; env AILURUS_BOOTSTRAP).")
    String bootstrap;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "15000",
            description = "Upper bound of each call to the broker, in milliseconds (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = {"-X", "--client-property"}, paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "Any kafka-clients property, such as -X linger.ms=20 (repeatable; wins over the CLI's own).")
    List<KeyValue> clientProperties = new ArrayList<>();

    Duration timeout() {
        return Duration.ofMillis(timeoutMs);
    }

    /** The timeout as the admin options take it. */
    int timeoutMsInt() {
        return (int) Math.min(timeoutMs, Integer.MAX_VALUE);
    }

    Properties adminProperties() {
        final Properties props = common();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutString());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutString());
        return withUserProperties(props);
    }

    Properties producerProperties(final String acks, final String compression) {
        final Properties props = common();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutString());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutString());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Must cover linger.ms + request.timeout.ms, or the producer refuses the configuration.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs + 1_000));
        return withUserProperties(props);
    }

    /** No group: the consumer is assigned partitions and seeks; nothing is committed, no topic is auto-created. */
    Properties consumerProperties(final String autoOffsetReset) {
        final Properties props = common();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutString());
        return withUserProperties(props);
    }

    Admin admin() {
        return Admin.create(adminProperties());
    }

    /** Runs {@code call} with an admin client that is closed afterwards, within the timeout. */
    <T> T withAdmin(final AdminCall<T> call) throws Exception {
        final Admin admin = admin();
        try {
            return call.apply(admin);
        } finally {
            admin.close(timeout());
        }
    }

    /** Waits for an admin result, never longer than the timeout (plus a grace period). */
    <T> T await(final KafkaFuture<T> future) throws Exception {
        return future.get(timeoutMs + GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** A call made with an admin client. */
    @FunctionalInterface
    interface AdminCall<T> {
        T apply(Admin admin) throws Exception;
    }

    private Properties common() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "ailurus-cli");
        return props;
    }

    private Properties withUserProperties(final Properties props) {
        props.putAll(KeyValue.toMap(clientProperties));
        return props;
    }

    private String timeoutString() {
        return Long.toString(timeoutMs);
    }
}
