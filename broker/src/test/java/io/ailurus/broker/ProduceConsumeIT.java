package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Produce and consume with the real kafka-clients against an in-process node. */
@Timeout(120)
class ProduceConsumeIT {

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCodecRoundTripsWithHeadersAndNullKeys(final String codec) throws Exception {
        final String topic = "codec-" + codec;
        final List<Long> offsets = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "compression.type", codec, "linger.ms", 5)) {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                final ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, i % 3 == 0 ? null : "key-" + i,
                        i % 7 == 0 ? null : "value-" + i);
                r.headers().add(new RecordHeader("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                sent.add(producer.send(r));
            }
            for (final Future<RecordMetadata> f : sent) {
                offsets.add(f.get().offset());
            }
        }
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(i, offsets.get(i));
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition(topic, 0)), 200, Duration.ofSeconds(30));
            for (int i = 0; i < 200; i++) {
                final ConsumerRecord<String, String> r = records.get(i);
                assertEquals(i, r.offset());
                assertEquals(i % 3 == 0 ? null : "key-" + i, r.key());
                assertEquals(i % 7 == 0 ? null : "value-" + i, r.value());
                assertArrayEquals(Integer.toString(i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("n").value());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSettingDelivers(final String acks) throws Exception {
        final String topic = "acks-" + acks;
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", acks,
                "enable.idempotence", "all".equals(acks))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition(topic, 0)), 50, Duration.ofSeconds(30));
            for (int i = 0; i < 50; i++) {
                assertEquals("v" + i, records.get(i).value());
            }
        }
    }

    @Test
    void oneMebibyteRecordsRoundTrip() throws Exception {
        final byte[] big = new byte[1024 * 1024 - 512];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i % 251);
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.bytesProducer(broker, "max.request.size", 2 * 1024 * 1024)) {
            for (int i = 0; i < 3; i++) {
                big[0] = (byte) i;
                producer.send(new ProducerRecord<>("big", 0, null, big.clone())).get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker, "max.partition.fetch.bytes", 1024)) {
            final List<ConsumerRecord<byte[], byte[]>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition("big", 0)), 3, Duration.ofSeconds(30));
            for (int i = 0; i < 3; i++) {
                big[0] = (byte) i;
                assertArrayEquals(big, records.get(i).value(), "record " + i);
            }
        }
    }

    @Test
    void aWaitingConsumerGetsARecordAsSoonAsItIsProduced() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker);
             KafkaConsumer<String, String> consumer = Clients.consumer(broker, "fetch.max.wait.ms", 5000)) {
            producer.send(new ProducerRecord<>("longpoll", 0, null, "first")).get();
            final TopicPartition tp = new TopicPartition("longpoll", 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 1);
            assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty());
            final Thread later = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    producer.send(new ProducerRecord<>("longpoll", 0, null, "second")).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            later.start();
            ConsumerRecords<String, String> got = ConsumerRecords.empty();
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (got.isEmpty() && System.nanoTime() < deadline) {
                got = consumer.poll(Duration.ofSeconds(2));
            }
            later.join(10_000);
            assertEquals(1, got.count());
            assertEquals("second", got.iterator().next().value());
            assertEquals(1, got.iterator().next().offset());
        }
    }

    @Test
    void manyPartitionsEachKeepTheirOwnOrder() throws Exception {
        final String topic = "hundred";
        broker.node().services().topics().create(topic, 100, (short) 1, java.util.Map.of(), false).get();
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "linger.ms", 10)) {
            for (int i = 0; i < 1000; i++) {
                producer.send(new ProducerRecord<>(topic, i % 100, null, Integer.toString(i)));
            }
            producer.flush();
        }
        final List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < 100; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer, partitions, 1000,
                    Duration.ofSeconds(60));
            for (final ConsumerRecord<String, String> r : records) {
                final int value = Integer.parseInt(r.value());
                assertEquals(r.partition(), value % 100);
                assertEquals(value / 100, r.offset());
            }
        }
    }

    @Test
    void restartKeepsEveryRecordAndOffsetsContinue() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("durable", 0, null, "before-" + i)).get();
            }
        }
        broker.restart();
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            assertEquals(20, producer.send(new ProducerRecord<>("durable", 0, null, "after")).get().offset());
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition("durable", 0)), 21, Duration.ofSeconds(30));
            for (int i = 0; i < 20; i++) {
                assertEquals("before-" + i, records.get(i).value());
            }
            assertEquals("after", records.get(20).value());
            assertNull(records.get(20).key());
        }
    }
}
