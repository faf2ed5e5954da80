package io.ailurus.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real kafka-clients producers and consumers (assign + seek, no group) for the integration tests. */
final class Clients {

    private Clients() {
    }

    static KafkaProducer<String, String> producer(final TestBroker broker, final Object... settings) {
        return producer(broker.clientProperties(), settings);
    }

    /** For a broker in another process ({@link BrokerProcess}): only its bootstrap address is set. */
    static KafkaProducer<String, String> producer(final String bootstrap, final Object... settings) {
        return producer(bootstrapOnly(bootstrap), settings);
    }

    private static KafkaProducer<String, String> producer(final Properties p, final Object... settings) {
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("delivery.timeout.ms", "30000");
        put(p, settings);
        return new KafkaProducer<>(p);
    }

    static KafkaProducer<byte[], byte[]> bytesProducer(final TestBroker broker, final Object... settings) {
        final Properties p = broker.clientProperties();
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("delivery.timeout.ms", "30000");
        put(p, settings);
        return new KafkaProducer<>(p);
    }

    static KafkaConsumer<String, String> consumer(final TestBroker broker, final Object... settings) {
        return consumer(broker.clientProperties(), settings);
    }

    /** For a broker in another process ({@link BrokerProcess}): only its bootstrap address is set. */
    static KafkaConsumer<String, String> consumer(final String bootstrap, final Object... settings) {
        return consumer(bootstrapOnly(bootstrap), settings);
    }

    private static KafkaConsumer<String, String> consumer(final Properties p, final Object... settings) {
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        put(p, settings);
        return new KafkaConsumer<>(p);
    }

    static KafkaConsumer<byte[], byte[]> bytesConsumer(final TestBroker broker, final Object... settings) {
        final Properties p = broker.clientProperties();
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        put(p, settings);
        return new KafkaConsumer<>(p);
    }

    /** Sends {@code count} values prefix0.. round-robin over the partitions and waits for all acknowledgements. */
    static void produceValues(final TestBroker broker, final String topic, final int partitions, final int count,
            final String prefix) {
        try (KafkaProducer<String, String> producer = producer(broker)) {
            for (int i = 0; i < count; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, i % partitions, null, prefix + i));
            }
            producer.flush();
        }
    }

    private static Properties bootstrapOnly(final String bootstrap) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    private static void put(final Properties p, final Object... settings) {
        for (int i = 0; i < settings.length; i += 2) {
            p.put(settings[i].toString(), settings[i + 1].toString());
        }
    }

    /** Reads {@code count} records from the start of the partitions (assign + seek), or fails after the timeout. */
    static <K, V> List<ConsumerRecord<K, V>> readFromStart(final KafkaConsumer<K, V> consumer,
            final List<TopicPartition> partitions, final int count, final Duration timeout) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        final List<ConsumerRecord<K, V>> out = new ArrayList<>();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        if (out.size() < count) {
            throw new AssertionError("read " + out.size() + " of " + count + " records within " + timeout);
        }
        return out;
    }
}
