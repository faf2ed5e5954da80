package io.ailurus.broker;

import static io.ailurus.broker.TransactionsIT.READ_COMMITTED;
import static io.ailurus.broker.TransactionsIT.READ_UNCOMMITTED;
import static io.ailurus.broker.TransactionsIT.assertSameValues;
import static io.ailurus.broker.TransactionsIT.concat;
import static io.ailurus.broker.TransactionsIT.partitions;
import static io.ailurus.broker.TransactionsIT.sendRoundRobin;
import static io.ailurus.broker.TransactionsIT.values;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transactions on three broker processes, topics with three replicas: commits and aborts as on one node, and a
 * transaction whose coordinator is killed (kill -9) between its writes and its commit still commits, exactly once.
 */
@Timeout(300)
class TransactionsClusterIT {

    private static final int PARTITIONS = 3;

    @Test
    void commitsAndAbortsOnThreeReplicas() throws Exception {
        final String topic = "txn-replicated";
        try (TestCluster cluster = TestCluster.of(3, "transactions-replicated").start()) {
            createTopic(cluster, topic);
            final List<String> first = values("first-", 30);
            final List<String> aborted = values("aborted-", 30);
            final List<String> second = values("second-", 30);
            try (KafkaProducer<String, String> producer = producer(cluster, "cluster-tx")) {
                producer.initTransactions();
                producer.beginTransaction();
                sendRoundRobin(producer, topic, PARTITIONS, first);
                producer.commitTransaction();
                producer.beginTransaction();
                sendRoundRobin(producer, topic, PARTITIONS, aborted);
                producer.abortTransaction();
                producer.beginTransaction();
                sendRoundRobin(producer, topic, PARTITIONS, second);
                producer.commitTransaction();
            }
            assertSameValues(concat(first, second), readAll(cluster, topic, READ_COMMITTED, 60));
            assertSameValues(concat(first, aborted, second), readAll(cluster, topic, READ_UNCOMMITTED, 90));
        }
    }

    @Test
    void aTransactionCommitsExactlyOnceAfterItsCoordinatorIsKilled() throws Exception {
        final String topic = "txn-failover";
        final String transactionalId = "failover-tx";
        try (TestCluster cluster = TestCluster.of(3, "transactions-coordinator-kill").start()) {
            createTopic(cluster, topic);
            final List<String> sent = values("v-", 30);
            final List<String> next = values("w-", 9);
            try (KafkaProducer<String, String> producer = producer(cluster, transactionalId)) {
                producer.initTransactions();
                producer.beginTransaction();
                sendRoundRobin(producer, topic, PARTITIONS, sent);

                final int coordinator = transactionCoordinator(cluster, transactionalId);
                cluster.node(coordinator).kill();
                // The client finds the new coordinator and retries EndTxn (blocking up to max.block.ms).
                producer.commitTransaction();
                assertNotEquals(coordinator, transactionCoordinator(cluster, transactionalId),
                        "another node coordinates the transactional id");
                assertSameValues(sent, readAll(cluster, topic, READ_COMMITTED, sent.size()));

                // The producer goes on with the new coordinator.
                producer.beginTransaction();
                sendRoundRobin(producer, topic, PARTITIONS, next);
                producer.commitTransaction();
            }
            assertSameValues(concat(sent, next), readAll(cluster, topic, READ_COMMITTED, sent.size() + next.size()));
        }
    }

    private static KafkaProducer<String, String> producer(final TestCluster cluster, final String transactionalId) {
        // Failover needs Pekko downing (3 s), elections and the coordinator's reload: more time than on one node. The
        // transaction timeout is far above that, so a slow failover is not mistaken for a timeout abort.
        return Clients.producer(cluster.bootstrap(), TransactionsIT.transactionalSettings(transactionalId,
                "max.block.ms", "90000",
                "request.timeout.ms", "5000",
                "delivery.timeout.ms", "120000",
                "transaction.timeout.ms", "180000",
                "retry.backoff.ms", "100",
                "metadata.max.age.ms", "2000"));
    }

    private static List<String> readAll(final TestCluster cluster, final String topic, final String isolation,
            final int atLeast) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrap(), "isolation.level", isolation,
                "auto.offset.reset", "earliest", "request.timeout.ms", "10000", "metadata.max.age.ms", "2000")) {
            return TransactionsIT.readAll(consumer, partitions(topic, PARTITIONS), atLeast, Duration.ofSeconds(90));
        }
    }

    /** The node FindCoordinator names for the transactional id, asked of the live nodes as a producer would. */
    private static int transactionCoordinator(final TestCluster cluster, final String transactionalId) throws Exception {
        final int[] found = {-1};
        ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
            for (final BrokerProcess node : cluster.nodes()) {
                if (!node.isAlive()) {
                    continue;
                }
                final int port = Integer.parseInt(node.bootstrap().substring(node.bootstrap().lastIndexOf(':') + 1));
                try (RawConnection c = new RawConnection(port)) {
                    final FindCoordinatorResponse response = (FindCoordinatorResponse) c.roundTrip(
                            new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                                    .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id())
                                    .setCoordinatorKeys(List.of(transactionalId))).build((short) 4));
                    final FindCoordinatorResponseData.Coordinator answer = response.data().coordinators().get(0);
                    if (answer.errorCode() == Errors.NONE.code() && cluster.node(answer.nodeId()).isAlive()) {
                        found[0] = answer.nodeId();
                        return true;
                    }
                }
            }
            return false;
        }, "a live node coordinates transactional id " + transactionalId);
        return found[0];
    }

    static void createTopic(final TestCluster cluster, final String topic) throws Exception {
        try (Admin admin = ClusterOperationsIT.admin(cluster)) {
            ClusterOperationsIT.awaitBrokers(admin, 3);
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        return true;
                    }
                    throw e;
                }
            }, "topic " + topic + " created with three replicas");
            ClusterMembershipIT.awaitTrue(Duration.ofSeconds(60), () -> {
                final TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(topic);
                return d.partitions().stream().allMatch(p -> p.leader() != null && p.replicas().size() == 3);
            }, "every partition of " + topic + " has a leader and three replicas");
        }
    }
}
