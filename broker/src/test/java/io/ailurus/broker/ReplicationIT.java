package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three broker processes, a topic with three replicas per partition: acknowledged writes survive the loss (kill -9)
 * or the pause (SIGSTOP) of a partition's leader, keep their offsets, and a restarted replica catches up.
 */
@Timeout(300)
class ReplicationIT {

    private static final String TOPIC = "replicated";
    private static final int PARTITIONS = 3;

    @Test
    void killingTheLeaderLosesNoAcknowledgedWriteAndTheRestartedNodeCatchesUp() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "replication-kill").start()) {
            createTopic(cluster);
            final Map<String, RecordMetadata> acked = new HashMap<>();
            try (KafkaProducer<String, String> producer = producer(cluster)) {
                produce(producer, "a", 300, acked);
                final int victim = leaderOf(cluster, 0);
                final long killedAt = System.nanoTime();
                cluster.node(victim).kill();
                acked.put("after-kill", producer.send(new ProducerRecord<>(TOPIC, 0, null, "after-kill"))
                        .get(60, TimeUnit.SECONDS));
                final long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                System.out.printf("failover: kill -9 of leader %d → first acknowledged produce to its partition in %d ms%n",
                        victim, failoverMs);
                produce(producer, "b", 300, acked);
                assertTrue(leaderOf(cluster, 0) != victim, "a new leader serves partition 0");

                cluster.node(victim).start();
                produce(producer, "c", 100, acked);
                final int restarted = victim;
                ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> caughtUp(cluster, restarted),
                        "restarted node " + victim + " catches up on every partition");
            }
            ReadBack.everyAcknowledgedRecordOnce(cluster.bootstrap(), TOPIC, PARTITIONS, acked);
        }
    }

    @Test
    void aPausedLeaderComesBackWithoutServingOrAcceptingStaleWrites() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "replication-pause").start()) {
            createTopic(cluster);
            final Map<String, RecordMetadata> acked = new HashMap<>();
            try (KafkaProducer<String, String> producer = producer(cluster)) {
                produce(producer, "a", 200, acked);
                final int paused = leaderOf(cluster, 1);
                cluster.node(paused).pause(true);
                try {
                    acked.put("during-pause", producer.send(new ProducerRecord<>(TOPIC, 1, null, "during-pause"))
                            .get(60, TimeUnit.SECONDS));
                    produce(producer, "b", 200, acked);
                } finally {
                    cluster.node(paused).pause(false);
                }
                // The old leader wakes up believing it leads; it must step down rather than take writes.
                produce(producer, "c", 200, acked);
            }
            ReadBack.everyAcknowledgedRecordOnce(cluster.bootstrap(), TOPIC, PARTITIONS, acked);
        }
    }

    private static void createTopic(final TestCluster cluster) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap(), "request.timeout.ms", 15000,
                "default.api.timeout.ms", 60000))) {
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(90), () -> admin.describeCluster().nodes()
                    .get(10, TimeUnit.SECONDS).size() == 3, "three brokers in Metadata");
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
                try {
                    admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                        return true;
                    }
                    throw e;
                }
            }, "topic created with three replicas");
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
                final TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(TOPIC);
                return d.partitions().stream().allMatch(p -> p.leader() != null && p.replicas().size() == 3);
            }, "every partition has a leader and three replicas");
        }
    }

    private static KafkaProducer<String, String> producer(final TestCluster cluster) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrap());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.in.flight.requests.per.connection", "5");
        p.put("request.timeout.ms", "5000");
        p.put("delivery.timeout.ms", "60000");
        p.put("retry.backoff.ms", "100");
        p.put("metadata.max.age.ms", "2000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends {@code count} values round-robin over the partitions and records where each was acknowledged. */
    private static void produce(final KafkaProducer<String, String> producer, final String prefix, final int count,
            final Map<String, RecordMetadata> acked) throws Exception {
        final List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, prefix + "-" + i)));
        }
        for (int i = 0; i < count; i++) {
            acked.put(prefix + "-" + i, sends.get(i).get(90, TimeUnit.SECONDS));
        }
    }

    private static int leaderOf(final TestCluster cluster, final int partition) throws Exception {
        return leaderOf(cluster, TOPIC, partition);
    }

    /** The partition's leader as a live node's admin API reports it, once there is one. */
    static int leaderOf(final TestCluster cluster, final String topic, final int partition) throws Exception {
        final int[] leader = {-1};
        ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
            for (final BrokerProcess node : cluster.nodes()) {
                if (!node.isAlive()) {
                    continue;
                }
                final AdminHttp.Reply reply = AdminHttp.get(node.adminUrl() + "/v1/partitions/" + topic + "/" + partition);
                if (reply.status() == 200 && reply.body().get("leader").asInt() >= 0) {
                    leader[0] = reply.body().get("leader").asInt();
                    return true;
                }
            }
            return false;
        }, "partition " + partition + " has a leader");
        return leader[0];
    }

    /** The restarted node's own replicas have everything their leaders have committed. */
    private static boolean caughtUp(final TestCluster cluster, final int nodeId) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            final int leader = leaderOf(cluster, p);
            final long leaderHw = AdminHttp.get(cluster.node(leader).adminUrl() + "/v1/partitions/" + TOPIC + "/" + p)
                    .body().get("highWatermark").asLong();
            final AdminHttp.Reply own = AdminHttp.get(cluster.node(nodeId).adminUrl() + "/v1/partitions/" + TOPIC + "/" + p);
            long end = -1;
            for (final var replica : own.body().get("replicas")) {
                if (replica.get("nodeId").asInt() == nodeId) {
                    end = replica.get("logEndOffset").asLong();
                }
            }
            if (end < leaderHw) {
                System.out.printf("partition %d: node %d has %d, leader %d's high watermark is %d%n", p, nodeId, end,
                        leader, leaderHw);
                return false;
            }
        }
        return true;
    }
}
