package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three broker processes form a Pekko Cluster from seeds and register cluster-wide; the admin API shows it. */
@Timeout(180)
class ClusterMembershipIT {

    @Test
    void threeNodesRegisterAndAKilledNodeIsDownedThenRejoins() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "membership").start()) {
            for (final BrokerProcess node : cluster.nodes()) {
                awaitTrue(Duration.ofSeconds(60), () -> aliveness(node).equals(Map.of(1, true, 2, true, 3, true)),
                        "node " + node.nodeId() + " sees all three brokers alive");
            }
            final JsonNode broker2 = brokerEntry(cluster.node(1), 2);
            assertEquals(cluster.node(2).bootstrap(), broker2.get("kafka").asText());

            assertEquals(200, AdminHttp.get(cluster.node(1).adminUrl() + "/alive").status());
            for (final BrokerProcess node : cluster.nodes()) {
                // Ready = every partition this node hosts runs here (replica shards are pinned to their node).
                awaitTrue(Duration.ofSeconds(30), () -> AdminHttp.get(node.adminUrl() + "/ready").status() == 200,
                        "node " + node.nodeId() + " ready");
            }
            final java.util.Set<String> clusterIds = new java.util.HashSet<>();
            for (final BrokerProcess node : cluster.nodes()) {
                try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                        Map.of("bootstrap.servers", node.bootstrap()))) {
                    clusterIds.add(admin.describeCluster().clusterId().get(30, java.util.concurrent.TimeUnit.SECONDS));
                }
            }
            assertEquals(1, clusterIds.size(), "every broker reports the same cluster id: " + clusterIds);
            final AdminHttp.Reply members = AdminHttp.get(cluster.node(1).adminUrl() + "/cluster/members");
            assertEquals(200, members.status());
            assertEquals(3, members.body().get("members").size(), members.text());
            final AdminHttp.Reply health = AdminHttp.get(cluster.node(2).adminUrl() + "/v1/cluster/health");
            assertEquals(200, health.status());
            assertEquals(3, health.body().get("nodes").size(), health.text());

            cluster.node(3).kill();
            awaitTrue(Duration.ofSeconds(60), () -> aliveness(cluster.node(1)).equals(Map.of(1, true, 2, true, 3, false)),
                    "node 1 sees node 3 down");
            final AdminHttp.Reply degraded = AdminHttp.get(cluster.node(1).adminUrl() + "/v1/cluster/health");
            assertEquals("[3]", degraded.body().get("downNodes").toString(), degraded.text());
            assertEquals(false, degraded.body().get("healthy").asBoolean());

            cluster.node(3).start();
            for (final BrokerProcess node : cluster.nodes()) {
                awaitTrue(Duration.ofSeconds(60), () -> aliveness(node).equals(Map.of(1, true, 2, true, 3, true)),
                        "node " + node.nodeId() + " sees node 3 back");
            }
            assertEquals(404, AdminHttp.get(cluster.node(1).adminUrl() + "/v1/partitions/nope/0").status());
        }
    }

    /**
     * A node frozen long enough to be downed by the others (the split-brain resolver's decision) cannot rejoin with its
     * old actor system: it restarts itself in the same process and rejoins. (Found by the chaos soak: downed nodes
     * lingered without a cluster until killed, and a cluster whose first seed lingered could not re-form.)
     */
    @Test
    void aNodeDownedWhileFrozenRestartsItselfAndRejoins() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "downed-rejoins").start()) {
            final BrokerProcess frozen = cluster.node(3);
            awaitTrue(Duration.ofSeconds(60), () -> aliveness(cluster.node(1)).equals(Map.of(1, true, 2, true, 3, true)),
                    "all three brokers alive");
            final long pid = frozen.pid();
            frozen.pause(true);
            awaitTrue(Duration.ofSeconds(60), () -> AdminHttp.get(cluster.node(1).adminUrl() + "/cluster/members")
                    .body().get("members").size() == 2, "node 3 downed and removed by nodes 1 and 2");
            frozen.pause(false);
            awaitTrue(Duration.ofSeconds(90), () -> AdminHttp.get(cluster.node(1).adminUrl() + "/cluster/members")
                    .body().get("members").size() == 3
                    && aliveness(cluster.node(1)).equals(Map.of(1, true, 2, true, 3, true))
                    && AdminHttp.get(frozen.adminUrl() + "/ready").status() == 200, "node 3 rejoined and is ready");
            assertEquals(pid, frozen.pid(), "the same process: it restarted itself");
            assertTrue(java.nio.file.Files.readString(frozen.logFile()).contains("restarting it to rejoin"),
                    "node 3 logged why it restarted");
        }
    }

    private static Map<Integer, Boolean> aliveness(final BrokerProcess node) throws Exception {
        final Map<Integer, Boolean> alive = new TreeMap<>();
        final AdminHttp.Reply reply = AdminHttp.get(node.adminUrl() + "/v1/brokers");
        if (reply.status() == 200) {
            for (final JsonNode broker : reply.body()) {
                alive.put(broker.get("nodeId").asInt(), broker.get("alive").asBoolean());
            }
        }
        return alive;
    }

    private static JsonNode brokerEntry(final BrokerProcess node, final int id) throws Exception {
        for (final JsonNode broker : AdminHttp.get(node.adminUrl() + "/v1/brokers").body()) {
            if (broker.get("nodeId").asInt() == id) {
                return broker;
            }
        }
        throw new AssertionError("broker " + id + " not listed by node " + node.nodeId());
    }

    static void awaitTrue(final Duration timeout, final Callable<Boolean> condition, final String what) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout + " waiting until " + what
                + (last == null ? "" : " (last error: " + last + ")"));
    }
}
