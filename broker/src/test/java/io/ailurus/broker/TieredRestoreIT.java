package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.tier.s3.testing.ProxyFault;
import io.ailurus.tier.s3.testing.S3FaultProxy;
import io.ailurus.tier.s3.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket as the source of truth: uploads that ride out an unavailable bucket without losing local data, and a
 * fresh node that restores a topic from the bucket alone. S3Mock behind a fault proxy, real kafka-clients.
 */
@Timeout(240)
class TieredRestoreIT {

    private static final int PARTITIONS = 2;
    private static final int RECORDS_PER_PARTITION = 1_500;

    @TempDir
    Path tmp;

    S3TestServer s3;
    S3FaultProxy proxy;
    TestBroker broker;

    @BeforeEach
    void startBucket() {
        s3 = S3TestServer.start("ailurus");
        proxy = S3FaultProxy.start(s3.port());
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        proxy.close();
        s3.close();
    }

    private TestBroker startBroker(final Path dataDir) throws Exception {
        final Map<String, Object> tiering = TieredConfig.node(proxy.endpoint());
        tiering.put("ailurus.tiered-storage.s3.call-timeout", "3s");
        tiering.put("ailurus.tiered-storage.upload-interval", "1s");
        tiering.put("ailurus.tiered-storage.manifest-poll-interval", "1s");
        return TestBroker.start(dataDir, tiering);
    }

    /** Record timestamps: recent, so that the bucket's retention (7 days) keeps them. */
    private static final long BASE_TIMESTAMP = System.currentTimeMillis() - 3_600_000;

    private static void produce(final TestBroker broker, final String topic, final int from, final int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all", "linger.ms", 5,
                "batch.size", 4096)) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = from; i < from + count; i++) {
                    final ProducerRecord<String, String> r = new ProducerRecord<>(topic, p, BASE_TIMESTAMP + i, "k" + i, "v" + i);
                    r.headers().add(new RecordHeader("h", ("p" + p).getBytes(StandardCharsets.UTF_8)));
                    producer.send(r);
                }
            }
            producer.flush();
        }
    }

    private static ReplicaHandle replica(final TestBroker broker, final String topic, final int partition) {
        return broker.node().services().replicas().leader(new TopicPartition(topic, partition));
    }

    /** Every partition's committed records are in the bucket. */
    private static boolean allUploaded(final TestBroker broker, final String topic) {
        for (int p = 0; p < PARTITIONS; p++) {
            final ReplicaHandle r = replica(broker, topic, p);
            if (r == null || r.remote().endOffset() != r.log().highWatermark()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void anUnavailableBucketDelaysUploadsButLosesNothing() throws Exception {
        broker = startBroker(tmp.resolve("node"));
        final String topic = "outage";
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true", "segment.bytes", "8192", "local.retention.bytes", "0"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        proxy.setFault(ProxyFault.FAIL_503);
        produce(broker, topic, 0, RECORDS_PER_PARTITION);
        // Uploads fail for a while (each call retried by the store, then again by the tier actor after a back-off);
        // local retention must keep every segment the bucket does not hold.
        await().atMost(Duration.ofSeconds(60)).until(() -> proxy.faultsInjected() > 40);
        for (int p = 0; p < PARTITIONS; p++) {
            final var status = broker.node().tiering().partition(new TopicPartition(topic, p)).status();
            assertTrue(status.failingSinceMs() > 0, "the tier reports the failing uploads");
            assertTrue(status.lastError().contains("503") || status.lastError().contains("SlowDown"), status.lastError());
        }
        for (int p = 0; p < PARTITIONS; p++) {
            assertEquals(0, replica(broker, topic, p).log().logStartOffset(), "local data deleted while the bucket was down");
        }
        proxy.setFault(ProxyFault.PASS);
        await().atMost(Duration.ofSeconds(90)).until(() -> allUploaded(broker, topic)
                && replica(broker, topic, 0).log().logStartOffset() > 0);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            final List<ConsumerRecord<String, String>> read = Clients.readFromStart(consumer, tps,
                    PARTITIONS * RECORDS_PER_PARTITION, Duration.ofSeconds(60));
            assertEquals(PARTITIONS * RECORDS_PER_PARTITION, read.stream().map(r -> r.partition() + "/" + r.offset()).distinct().count());
        }
    }

    @Test
    void aFreshNodeRestoresATopicFromTheBucket() throws Exception {
        final String topic = "restored";
        broker = startBroker(tmp.resolve("origin"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            // One more partition than gets records: a restore must bring back the empty one too.
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS + 1, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true", "segment.bytes", "8192", "redpanda.remote.delete", "false"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        produce(broker, topic, 0, RECORDS_PER_PARTITION);
        // The upload interval rolls the last, partly filled segment too: everything reaches the bucket.
        await().atMost(Duration.ofSeconds(60)).until(() -> allUploaded(broker, topic));
        broker.close();

        broker = startBroker(tmp.resolve("fresh"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            // As with Redpanda: no partition count, it comes from the bucket.
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())
                    .configs(Map.of("redpanda.remote.recovery", "true")))).all().get(30, TimeUnit.SECONDS);
            assertEquals(PARTITIONS + 1, admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size());
        }
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            final List<ConsumerRecord<String, String>> read = Clients.readFromStart(consumer, tps,
                    PARTITIONS * RECORDS_PER_PARTITION, Duration.ofSeconds(60));
            for (final ConsumerRecord<String, String> r : read) {
                final long i = r.offset();
                assertEquals("k" + i, r.key());
                assertEquals("v" + i, r.value());
                assertEquals(BASE_TIMESTAMP + i, r.timestamp());
                assertEquals("p" + r.partition(), new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8));
            }
        }
        // Producing continues at the next offset.
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all")) {
            final RecordMetadata next = producer.send(new ProducerRecord<>(topic, 0, "after", "restore")).get(30, TimeUnit.SECONDS);
            assertEquals(RECORDS_PER_PARTITION, next.offset());
        }
        assertTrue(replica(broker, topic, 0).logStartOffset() == 0);
    }

    @Test
    void aSecondClusterServesTheTopicAsAReadReplica() throws Exception {
        final String topic = "mirrored";
        broker = startBroker(tmp.resolve("origin"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true", "segment.bytes", "8192")))).all().get(30, TimeUnit.SECONDS);
        }
        produce(broker, topic, 0, RECORDS_PER_PARTITION);
        await().atMost(Duration.ofSeconds(60)).until(() -> allUploaded(broker, topic));

        try (TestBroker mirror = startBroker(tmp.resolve("mirror"))) {
            try (Admin admin = Admin.create(mirror.clientProperties())) {
                admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())
                        .configs(Map.of("redpanda.remote.readreplica", "ailurus")))).all().get(30, TimeUnit.SECONDS);
            }
            mirror.node().awaitPartitionsRunning(Duration.ofSeconds(30));
            final List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            try (KafkaConsumer<String, String> consumer = Clients.consumer(mirror)) {
                final List<ConsumerRecord<String, String>> read = Clients.readFromStart(consumer, tps,
                        PARTITIONS * RECORDS_PER_PARTITION, Duration.ofSeconds(60));
                for (final ConsumerRecord<String, String> r : read) {
                    assertEquals("k" + r.offset(), r.key());
                    assertEquals(BASE_TIMESTAMP + r.offset(), r.timestamp());
                }
                // New records at the origin reach the mirror after an upload and a manifest poll.
                produce(broker, topic, RECORDS_PER_PARTITION, 100);
                final java.util.Set<String> more = new java.util.HashSet<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        assertTrue(r.offset() >= RECORDS_PER_PARTITION, "the consumer went back: " + r.offset());
                        more.add(r.partition() + "/" + r.offset());
                    }
                    return more.size() == PARTITIONS * 100;
                });
            }
            try (KafkaProducer<String, String> producer = Clients.producer(mirror, "retries", 0)) {
                final var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get(30, TimeUnit.SECONDS));
                assertTrue(failure.getCause() instanceof org.apache.kafka.common.errors.InvalidTopicException, failure.getCause().toString());
                assertTrue(failure.getCause().getMessage().contains("read replica"), failure.getCause().getMessage());
            }
            // Deleting the read replica leaves the owner's objects alone.
            final int objects = objectsUnder(topic + "/").size();
            try (Admin admin = Admin.create(mirror.clientProperties())) {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> objectsUnder(topic + "/").size() >= objects);
        }
    }

    /** The bucket's keys under a prefix, listed with the broker's own S3 client. */
    private List<String> objectsUnder(final String prefix) throws Exception {
        return broker.node().tiering().store().list(prefix).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .stream().map(io.ailurus.tier.s3.ObjectInfo::key).toList();
    }

    @Test
    void aSlowOrBrokenBucketHoldsNeitherLocalReadsNorTheConnection() throws Exception {
        broker = startBroker(tmp.resolve("node"));
        final String tiered = "cold";
        final String local = "hot";
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(
                    new NewTopic(tiered, PARTITIONS, (short) 1).configs(Map.of(
                            "remote.storage.enable", "true", "segment.bytes", "8192", "local.retention.bytes", "0")),
                    new NewTopic(local, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        produce(broker, tiered, 0, RECORDS_PER_PARTITION);
        produce(broker, local, 0, RECORDS_PER_PARTITION);
        await().atMost(Duration.ofSeconds(60)).until(() -> allUploaded(broker, tiered)
                && replica(broker, tiered, 0).log().logStartOffset() > RECORDS_PER_PARTITION / 2);

        final List<TopicPartition> both = List.of(new TopicPartition(tiered, 0), new TopicPartition(local, 0));
        for (final ProxyFault fault : List.of(ProxyFault.delay(Duration.ofSeconds(20)), ProxyFault.FAIL_500)) {
            proxy.setFault(fault);
            // One consumer fetching a bucket partition and a local one: the local records keep coming.
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "fetch.max.wait.ms", 500)) {
                consumer.assign(both);
                consumer.seekToBeginning(both);
                final java.util.Set<Long> localOffsets = new java.util.HashSet<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.topic().equals(local)) {
                            localOffsets.add(r.offset());
                        } else {
                            // Whatever comes from the bucket while it misbehaves is right.
                            assertEquals("k" + r.offset(), r.key(), fault + ": a wrong record");
                        }
                    }
                    return localOffsets.size() == RECORDS_PER_PARTITION;
                });
            }
        }
        proxy.setFault(ProxyFault.PASS);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> read = Clients.readFromStart(consumer,
                    List.of(new TopicPartition(tiered, 0)), RECORDS_PER_PARTITION, Duration.ofSeconds(60));
            for (final ConsumerRecord<String, String> r : read) {
                assertEquals("k" + r.offset(), r.key());
            }
        }
    }
}
