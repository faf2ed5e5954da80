package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ailurus.tier.manifest.ManifestCodec;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.s3.ObjectInfo;
import io.ailurus.tier.s3.ObjectStore;
import io.ailurus.tier.s3.S3Settings;
import io.ailurus.tier.s3.testing.S3TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three broker processes, one tiered partition with three replicas, and kill -9 of its leader while segments are being
 * uploaded: every acknowledged record is read back once (most of them from the bucket), the new leader continues the
 * manifest where the old one stopped, and the bucket ends up holding exactly what the manifest records.
 */
@Timeout(300)
class TieredClusterIT {

    private static final String TOPIC = "tiered-replicated";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void killingTheLeaderDuringUploadsLosesNothingAndLeavesNoOrphans() throws Exception {
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tiered-cluster-it",
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
        try (S3TestServer s3 = S3TestServer.start("ailurus");
                TestCluster cluster = TestCluster.of(3, "tiered-kill")
                        .jvmOption("-Dailurus.tiered-storage.enabled=true")
                        .jvmOption("-Dailurus.tiered-storage.s3.endpoint=" + s3.endpoint())
                        .jvmOption("-Dailurus.tiered-storage.s3.access-key=test")
                        .jvmOption("-Dailurus.tiered-storage.s3.secret-key=test")
                        .jvmOption("-Dailurus.tiered-storage.upload-interval=1s")
                        // What the killed leader uploaded but never recorded is deleted once 2 s old.
                        .jvmOption("-Dailurus.tiered-storage.orphan-grace=2s")
                        .jvmOption("-Dailurus.log.retention-check-interval=1s")
                        .start()) {
            final ObjectStore bucket = new ObjectStore(system, S3Settings.forEndpoint(s3.endpoint(), "ailurus")
                    .withCredentials("test", "test"));
            createTopic(cluster);
            final Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
            try (KafkaProducer<String, String> producer = producer(cluster)) {
                produce(producer, "a", 3_000, acked);
                await().atMost(Duration.ofSeconds(60)).until(() -> segmentObjects(bucket).size() >= 4);
                final int victim = leaderOf(cluster);
                // Uploads are under way (more closed segments than uploaded ones): kill the leader mid-stream.
                final List<Future<RecordMetadata>> inFlight = send(producer, "b", 2_000);
                cluster.node(victim).kill();
                collect(inFlight, "b", acked);
                produce(producer, "c", 1_000, acked);
                assertTrue(leaderOf(cluster) != victim, "a new leader serves the partition");
                cluster.node(victim).start();
                produce(producer, "d", 500, acked);
            }
            // Everything committed reaches the bucket, and the local logs shrank to their retention.
            final long end = endOffset(cluster);
            await().atMost(Duration.ofSeconds(90)).until(() -> manifest(bucket).nextOffset() == end);
            await().atMost(Duration.ofSeconds(30)).until(() -> localStart(cluster) > end / 2);
            ReadBack.everyAcknowledgedRecordOnce(cluster.bootstrap(), TOPIC, 1, acked);

            // No orphan: every segment object is one the manifest records, each offset range once.
            final PartitionManifest manifest = manifest(bucket);
            final Set<String> recorded = manifest.segments().stream()
                    .flatMap(s -> java.util.stream.Stream.of(ObjectKeys.segment(TOPIC, 0, s), ObjectKeys.index(TOPIC, 0, s)))
                    .collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertEquals(recorded, Set.copyOf(segmentObjects(bucket)), "objects in the bucket"));
            assertEquals(0, manifest.startOffset());
        } finally {
            system.terminate();
        }
    }

    private static List<String> segmentObjects(final ObjectStore bucket) throws Exception {
        final List<String> keys = new ArrayList<>();
        for (final ObjectInfo o : bucket.list(ObjectKeys.partitionPrefix(TOPIC, 0)).toCompletableFuture().get(30, TimeUnit.SECONDS)) {
            if (ObjectKeys.baseOffsetOf(o.key()) >= 0) {
                keys.add(o.key());
            }
        }
        return keys;
    }

    private static PartitionManifest manifest(final ObjectStore bucket) throws Exception {
        return bucket.get(ObjectKeys.manifest(TOPIC, 0)).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .map(ManifestCodec::decode).orElse(PartitionManifest.empty(TOPIC, 0));
    }

    private static Admin admin(final TestCluster cluster) {
        return Admin.create(Map.of("bootstrap.servers", cluster.bootstrap(), "request.timeout.ms", 15000,
                "default.api.timeout.ms", 60000));
    }

    private static void createTopic(final TestCluster cluster) throws Exception {
        try (Admin admin = admin(cluster)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 3);
            await().atMost(Duration.ofSeconds(60)).ignoreException(ExecutionException.class).until(() -> {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of(
                        "remote.storage.enable", "true", "segment.bytes", "16384", "local.retention.bytes", "32768"))))
                        .all().get(30, TimeUnit.SECONDS);
                return true;
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of(TOPIC)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(TOPIC).partitions().get(0).leader() != null);
        }
    }

    private static long endOffset(final TestCluster cluster) throws Exception {
        try (Admin admin = admin(cluster)) {
            return admin.listOffsets(Map.of(TP, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(TP).offset();
        }
    }

    private static long localStart(final TestCluster cluster) throws Exception {
        try (Admin admin = admin(cluster)) {
            return admin.listOffsets(Map.of(TP, OffsetSpec.earliestLocal())).all().get(30, TimeUnit.SECONDS).get(TP).offset();
        }
    }

    private static KafkaProducer<String, String> producer(final TestCluster cluster) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrap());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("batch.size", "4096");
        p.put("request.timeout.ms", "5000");
        p.put("delivery.timeout.ms", "90000");
        p.put("retry.backoff.ms", "100");
        p.put("metadata.max.age.ms", "2000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static List<Future<RecordMetadata>> send(final KafkaProducer<String, String> producer, final String prefix,
            final int count) {
        final List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, prefix + "-" + i + "-" + "x".repeat(60))));
        }
        return sends;
    }

    private static void collect(final List<Future<RecordMetadata>> sends, final String prefix,
            final Map<String, RecordMetadata> acked) throws Exception {
        for (int i = 0; i < sends.size(); i++) {
            acked.put(prefix + "-" + i + "-" + "x".repeat(60), sends.get(i).get(120, TimeUnit.SECONDS));
        }
    }

    private static void produce(final KafkaProducer<String, String> producer, final String prefix, final int count,
            final Map<String, RecordMetadata> acked) throws Exception {
        collect(send(producer, prefix, count), prefix, acked);
    }

    private static int leaderOf(final TestCluster cluster) {
        final int[] leader = {-1};
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            for (final BrokerProcess node : cluster.nodes()) {
                if (node.isAlive()) {
                    final AdminHttp.Reply reply = AdminHttp.get(node.adminUrl() + "/v1/partitions/" + TOPIC + "/0");
                    if (reply.status() == 200 && reply.body().get("leader").asInt() >= 0) {
                        leader[0] = reply.body().get("leader").asInt();
                        return true;
                    }
                }
            }
            return false;
        });
        return leader[0];
    }
}
