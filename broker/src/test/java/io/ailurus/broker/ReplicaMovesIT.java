package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Five broker processes, three of them controller voters: decommissioning a broker moves every replica off it (each a
 * Raft membership change: the new replica catches up as a learner, becomes a voter, the old one is removed), and a
 * broker that joins receives its share; all of it under acks=all load, losing nothing.
 */
@Timeout(600)
class ReplicaMovesIT {

    private static final String TOPIC = "moves";
    private static final int PARTITIONS = 4;

    @Test
    void decommissionMovesReplicasOffABrokerAndAJoiningBrokerTakesItsShare() throws Exception {
        try (TestCluster cluster = TestCluster.of(5, "replica-moves").controllerVoters(3)
                .jvmOption("-Dailurus.groups.offsets-topic-partitions=4").start(4);
             Admin admin = ClusterOperationsIT.admin(cluster)) {
            ClusterOperationsIT.awaitBrokers(admin, 4);
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(60, TimeUnit.SECONDS);
            final String adminUrl = cluster.node(1).adminUrl();
            // Node 4 receives replicas at creation, or from the balancer if its registration came late.
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(90),
                    () -> settled(adminUrl) && replicaCount(adminUrl, 4) > 0,
                    "every partition led, with its placed replicas as voters, and node 4 holding replicas");

            final Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread load = new Thread(() -> ClusterOperationsIT.produceUntil(cluster, TOPIC, PARTITIONS, stop,
                    acked), "load");
            load.start();
            try {
                Thread.sleep(2000);
                final Map<Integer, Integer> termsBefore = terms(adminUrl);
                final Map<Integer, Integer> leaders = new HashMap<>();
                for (final int p : termsBefore.keySet()) {
                    leaders.put(p, leader(adminUrl, p));
                }
                assertEquals(202, AdminHttp.post(adminUrl + "/v1/brokers/4/decommission").status());
                ClusterMembershipIT.awaitTrue(Duration.ofSeconds(180),
                        () -> replicaCount(adminUrl, 4) == 0 && settled(adminUrl),
                        "every replica moved off node 4");
                final Map<Integer, Integer> termsAfter = terms(adminUrl);
                for (final int p : termsBefore.keySet()) {
                    assertTrue(termsAfter.get(p) - termsBefore.get(p) <= 1, "partition " + p + " (led by node "
                            + leaders.get(p) + ") had at most one election while moving: terms "
                            + termsBefore.get(p) + " -> " + termsAfter.get(p));
                }
                ClusterMembershipIT.awaitTrue(Duration.ofSeconds(30), () -> AdminHttp.get(cluster.node(4).adminUrl()
                                + "/v1/partitions/" + TOPIC + "/0/records").status() == 404
                                && AdminHttp.get(cluster.node(4).adminUrl() + "/v1/partitions/" + TOPIC + "/1/records")
                                .status() == 404,
                        "node 4 removed its replicas once they had moved");

                cluster.node(5).start();
                ClusterMembershipIT.awaitTrue(Duration.ofSeconds(180),
                        () -> replicaCount(adminUrl, 5) >= 5 && settled(adminUrl),
                        "node 5 joined and received a share of the replicas (24 over nodes 1, 2, 3, 5)");
                Thread.sleep(2000);
            } finally {
                stop.set(true);
                load.join(120_000);
            }
            assertTrue(acked.size() > 100, "the load kept being acknowledged: " + acked.size());
            ReadBack.everyAcknowledgedRecordOnce(cluster.bootstrap(), TOPIC, PARTITIONS, acked);
        }
    }

    private static JsonNode partitions(final String adminUrl) throws Exception {
        final AdminHttp.Reply reply = AdminHttp.get(adminUrl + "/v1/partitions");
        assertEquals(200, reply.status(), reply.text());
        return reply.body();
    }

    /** Every partition has a leader, no move is in flight, and the reported voters are the placed replicas. */
    private static boolean settled(final String adminUrl) throws Exception {
        for (final JsonNode p : partitions(adminUrl)) {
            if (p.get("leader").asInt() < 0 || !p.get("moving").isNull() || p.get("voters").size() != p.get("replicas").size()) {
                return false;
            }
            for (final JsonNode replica : p.get("replicas")) {
                boolean voter = false;
                for (final JsonNode v : p.get("voters")) {
                    voter |= v.asInt() == replica.get("nodeId").asInt();
                }
                if (!voter) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Replicas placed on {@code node} or still voting there, over all topics. */
    private static int replicaCount(final String adminUrl, final int node) throws Exception {
        int count = 0;
        for (final JsonNode p : partitions(adminUrl)) {
            boolean there = false;
            for (final JsonNode replica : p.get("replicas")) {
                there |= replica.get("nodeId").asInt() == node;
            }
            for (final JsonNode v : p.get("voters")) {
                there |= v.asInt() == node;
            }
            count += there ? 1 : 0;
        }
        return count;
    }

    private static Map<Integer, Integer> terms(final String adminUrl) throws Exception {
        final Map<Integer, Integer> terms = new HashMap<>();
        for (final JsonNode p : partitions(adminUrl)) {
            if (p.get("topic").asText().equals(TOPIC)) {
                terms.put(p.get("partition").asInt(), p.get("term").asInt());
            }
        }
        return terms;
    }

    private static int leader(final String adminUrl, final int partition) throws Exception {
        for (final JsonNode p : partitions(adminUrl)) {
            if (p.get("topic").asText().equals(TOPIC) && p.get("partition").asInt() == partition) {
                return p.get("leader").asInt();
            }
        }
        return -1;
    }
}
