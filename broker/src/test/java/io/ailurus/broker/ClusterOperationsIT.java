package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Operating a three-node cluster: losing the controller leader mid-way, and restarting every node under load. */
@Timeout(400)
class ClusterOperationsIT {

    @Test
    void topicsCreatedWhileTheControllerLeaderDiesAllExistWithThreeReplicas() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "controller-kill").start();
             Admin admin = admin(cluster)) {
            awaitBrokers(admin, 3);
            final int controller = admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
            final java.util.concurrent.CompletableFuture<Void> restarted = new java.util.concurrent.CompletableFuture<>();
            for (int i = 0; i < 10; i++) {
                if (i == 4) {
                    cluster.node(controller).kill();
                    // It comes back while the creates go on: once it is declared down, three replicas need it back
                    // (CreateTopics waits for the new partitions' leaders, so creates do not outrun its downing).
                    new Thread(() -> {
                        try {
                            cluster.node(controller).start();
                            restarted.complete(null);
                        } catch (Exception e) {
                            restarted.completeExceptionally(e);
                        }
                    }, "restart-node-" + controller).start();
                }
                createWithRetries(admin, "t" + i);
            }
            restarted.get(90, TimeUnit.SECONDS);
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
                final Map<String, TopicDescription> topics = admin.describeTopics(names()).allTopicNames()
                        .get(10, TimeUnit.SECONDS);
                return topics.size() == 10 && topics.values().stream().allMatch(t -> t.partitions().stream()
                        .allMatch(p -> p.replicas().size() == 3 && p.leader() != null));
            }, "ten topics with three replicas each and a leader per partition");
            assertTrue(admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id() != controller,
                    "a new controller leader");
        }
    }

    @Test
    void aRollingRestartUnderLoadLosesNothing() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "rolling-restart").start();
             Admin admin = admin(cluster)) {
            awaitBrokers(admin, 3);
            createWithRetries(admin, "rolling");
            final Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread load = new Thread(() -> produceUntil(cluster, "rolling", 3, stop, acked), "load");
            load.start();
            try {
                for (final BrokerProcess node : cluster.nodes()) {
                    Thread.sleep(2000);
                    assertEquals(143, node.terminate(), "node " + node.nodeId() + " stops cleanly on SIGTERM");
                    node.start();
                    ClusterMembershipIT.awaitTrue(Duration.ofSeconds(90),
                            () -> AdminHttp.get(node.adminUrl() + "/ready").status() == 200,
                            "node " + node.nodeId() + " ready again");
                }
                Thread.sleep(2000);
            } finally {
                stop.set(true);
                load.join(120_000);
            }
            assertTrue(acked.size() > 100, "load kept being acknowledged: " + acked.size());
            ReadBack.everyAcknowledgedRecordOnce(cluster.bootstrap(), "rolling", 3, acked);

            // DeleteRecords reaches the followers: after the leader stops, the new one starts where it did.
            final org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition("rolling", 0);
            final long lowWatermark = admin.deleteRecords(Map.of(p0,
                            org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(10)))
                    .all().thenApply(v -> 10L).get(30, TimeUnit.SECONDS);
            Thread.sleep(1000);
            final int leader = admin.describeTopics(List.of("rolling")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("rolling").partitions().get(0).leader().id();
            assertEquals(143, cluster.node(leader).terminate());
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
                final long earliest = admin.listOffsets(Map.of(p0, org.apache.kafka.clients.admin.OffsetSpec.earliest()))
                        .partitionResult(p0).get(10, TimeUnit.SECONDS).offset();
                final int now = admin.describeTopics(List.of("rolling")).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get("rolling").partitions().get(0).leader().id();
                return now != leader && earliest == lowWatermark;
            }, "a new leader of rolling-0 answers the deleted records' low watermark");
        }
    }

    /**
     * The controller log deletes what its snapshots cover; a node that joins afterwards gets the leader's log start
     * (Raft InstallLogStart), then the leader's state, and knows every topic.
     */
    @Test
    void aNodeJoiningAfterTheControllerLogWasCompactedReceivesTheWholeState() throws Exception {
        try (TestCluster cluster = TestCluster.of(4, "controller-compaction").controllerVoters(3)
                .jvmOption("-Dailurus.controller.snapshot-every=5").start(3);
             Admin admin = admin(cluster)) {
            awaitBrokers(admin, 3);
            for (int i = 0; i < 10; i++) {
                createWithRetries(admin, "t" + i);
            }
            final java.nio.file.Path nodeOneLog = cluster.node(1).logFile();
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(30), () -> java.nio.file.Files.readString(nodeOneLog)
                    .contains("Log __cluster_metadata/0 now starts at offset"), "node 1 deleted a controller log prefix");

            cluster.node(4).start();
            final BrokerProcess joined = cluster.node(4);
            try (Admin viaNodeFour = Admin.create(Map.of("bootstrap.servers", joined.bootstrap(),
                    "request.timeout.ms", 10000, "default.api.timeout.ms", 30000))) {
                ClusterMembershipIT.awaitTrue(Duration.ofSeconds(90), () -> viaNodeFour.listTopics().names()
                        .get(10, TimeUnit.SECONDS).containsAll(names()), "node 4 knows the ten topics");
            }
            assertTrue(java.nio.file.Files.readString(joined.logFile()).contains("installed the leader's state"),
                    "node 4 continued from the leader's state, not from a log it could not have");
        }
    }

    private static List<String> names() {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            names.add("t" + i);
        }
        return names;
    }

    static Admin admin(final TestCluster cluster) {
        return Admin.create(Map.of("bootstrap.servers", cluster.bootstrap(), "request.timeout.ms", 10000,
                "default.api.timeout.ms", 30000, "metadata.max.age.ms", 2000));
    }

    static void awaitBrokers(final Admin admin, final int count) throws Exception {
        ClusterMembershipIT.awaitTrue(Duration.ofSeconds(90), () -> admin.describeCluster().nodes()
                .get(10, TimeUnit.SECONDS).size() == count, count + " brokers in Metadata");
    }

    /** Creates a three-replica topic, retrying through controller elections; an earlier attempt may have won. */
    private static void createWithRetries(final Admin admin, final String name) throws Exception {
        ClusterMembershipIT.awaitTrue(Duration.ofSeconds(90), () -> {
            try {
                admin.createTopics(List.of(new NewTopic(name, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return true;
                }
                throw e;
            }
        }, "topic " + name + " created");
    }

    /** Sends unique values round-robin over {@code partitions} with acks=all until {@code stop}; records the acked. */
    static void produceUntil(final TestCluster cluster, final String topic, final int partitions,
            final AtomicBoolean stop, final Map<String, RecordMetadata> acked) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrap());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("request.timeout.ms", "5000");
        p.put("delivery.timeout.ms", "120000");
        p.put("metadata.max.age.ms", "2000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            int i = 0;
            while (!stop.get()) {
                final String value = "v-" + i++;
                producer.send(new ProducerRecord<>(topic, i % partitions, null, value), (metadata, failure) -> {
                    if (failure == null) {
                        acked.put(value, metadata);
                    }
                });
                Thread.sleep(10);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
