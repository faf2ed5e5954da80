package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.tier.s3.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow Indexing end to end on one node: a real S3 API server (S3Mock), real kafka-clients. Records produced beyond
 * local retention are uploaded, leave the local disk, and are read back from the bucket as if local.
 */
@Timeout(180)
class TieredStorageIT {

    private static final int RECORDS = 3_000;

    @TempDir
    static Path dataDir;

    static S3TestServer s3;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.start("ailurus");
        final Map<String, Object> tiering = TieredConfig.node(s3.endpoint());
        // The planted orphan is a second old by the time the topic's first leader cleans up; nothing else is younger.
        tiering.put("ailurus.tiered-storage.orphan-grace", "1ms");
        tiering.put("ailurus.tiered-storage.cache.chunk-bytes", "64KiB");
        broker = TestBroker.start(dataDir, tiering);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void recordsBeyondLocalRetentionAreServedFromTheBucket() throws Exception {
        final String topic = "tiered";
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true",
                    "segment.bytes", "16384",
                    "local.retention.bytes", "32768")))).all().get(30, TimeUnit.SECONDS);
        }
        final long firstTimestamp = System.currentTimeMillis() - 1_000_000;
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all", "linger.ms", 5,
                "batch.size", 4096)) {
            for (int i = 0; i < RECORDS; i++) {
                final ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, firstTimestamp + i * 100L,
                        "key-" + i, "value-" + i + "-" + "x".repeat(40));
                r.headers().add(new RecordHeader("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                producer.send(r);
            }
            producer.flush();
        }
        final ReplicaHandle replica = broker.node().services().replicas().leader(tp);
        // The closed segments go up, then local retention deletes all but ~32 KiB of them.
        await().atMost(Duration.ofSeconds(60)).until(() -> replica.log().logStartOffset() > RECORDS / 2);
        assertEquals(0, replica.remote().startOffset());
        assertTrue(replica.remote().endOffset() >= replica.log().logStartOffset(), "no gap between bucket and disk");

        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "max.partition.fetch.bytes", 20_000)) {
            final List<ConsumerRecord<String, String>> read = Clients.readFromStart(consumer, List.of(tp), RECORDS,
                    Duration.ofSeconds(60));
            for (int i = 0; i < RECORDS; i++) {
                final ConsumerRecord<String, String> r = read.get(i);
                assertEquals(i, r.offset());
                assertEquals("key-" + i, r.key());
                assertEquals("value-" + i + "-" + "x".repeat(40), r.value());
                assertEquals(firstTimestamp + i * 100L, r.timestamp());
                assertEquals(Integer.toString(i), new String(r.headers().lastHeader("n").value(), StandardCharsets.UTF_8));
            }
        }

        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertEquals(0, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset());
            // By time, answered from a segment in the bucket.
            assertEquals(100, admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(firstTimestamp + 100 * 100L - 50)))
                    .all().get().get(tp).offset());
        }
    }

    @Test
    void deletingATopicEmptiesItsPrefix() throws Exception {
        final String topic = "doomed";
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true", "segment.bytes", "16384")))).all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all")) {
                for (int i = 0; i < 1_000; i++) {
                    producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v".repeat(50)));
                }
                producer.flush();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> !objectsUnder(topic + "/").isEmpty());
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> objectsUnder(topic + "/").isEmpty());
        }
    }

    @Test
    void aNewLeaderDeletesWhatNoManifestRecordsBeforeUploading() throws Exception {
        final String topic = "orphaned";
        // What a leader that died between a segment's upload and the manifest write leaves behind.
        final String orphan = topic + "/0/00000000000000000000-00000000000000000099.log";
        broker.node().tiering().store().put(orphan, new byte[] {1, 2, 3}).toCompletableFuture().get(30, TimeUnit.SECONDS);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true", "segment.bytes", "16384")))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all")) {
            for (int i = 0; i < 1_000; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v".repeat(50)));
            }
            producer.flush();
        }
        final ReplicaHandle replica = broker.node().services().replicas().leader(new TopicPartition(topic, 0));
        await().atMost(Duration.ofSeconds(60)).until(() -> replica.remote().endOffset() > 0);
        assertTrue(!objectsUnder(topic + "/").contains(orphan), "the orphan is gone");
    }

    /** The bucket's keys under a prefix, listed with the broker's own S3 client. */
    private static List<String> objectsUnder(final String prefix) throws Exception {
        return broker.node().tiering().store().list(prefix).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .stream().map(io.ailurus.tier.s3.ObjectInfo::key).toList();
    }

    @Test
    void remoteStorageAboveTotalRetentionIsRefused() throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            final var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> admin.createTopics(List.of(new NewTopic("bad-local", 1, (short) 1).configs(Map.of(
                            "remote.storage.enable", "true", "retention.ms", "1000", "local.retention.ms", "5000"))))
                            .all().get(30, TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof org.apache.kafka.common.errors.InvalidConfigurationException,
                    failure.getCause().toString());
        }
    }
}
