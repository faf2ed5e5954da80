package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupSettings;
import io.ailurus.partition.raft.RaftConfig;
import io.ailurus.partition.replica.GroupCommitFlusher;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionClient;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaEnvironment;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.partition.tier.Tiering;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactional offsets against a real {@code __consumer_offsets} replica and its group coordinator: hidden until
 * the transaction commits, dropped when it aborts, and the same after the coordinator reloads from the log.
 */
class TxnOffsetCommitHandlerTest {

    private static final TopicPartition OFFSETS_0 = new TopicPartition(GroupCoordinator.OFFSETS_TOPIC, 0);
    private static final long PRODUCER = 4000;
    private static final short EPOCH = 0;

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private GroupCommitFlusher flusher;
    private ActorSystem<PartitionReplica.Command> system;
    private ReplicaHandle offsetsReplica;
    private GroupCoordinator coordinator;
    private TxnOffsetCommitHandler txnCommit;
    private OffsetFetchHandler offsetFetch;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create(GroupCoordinator.OFFSETS_TOPIC, 1, (short) 1, GroupCoordinator.internalTopicConfigs(100 << 20), false)
                .get(10, TimeUnit.SECONDS);
        topics.create("orders", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        flusher = new GroupCommitFlusher(1);
        final LocalReplicas replicas = new LocalReplicas();
        final CompletableFuture<ReplicaHandle> leading = new CompletableFuture<>();
        replicas.addListener(new LocalReplicas.Listener() {
            @Override
            public void startedLeading(final ReplicaHandle replica) {
                leading.complete(replica);
            }

            @Override
            public void stoppedLeading(final ReplicaHandle replica) {
            }
        });
        final ReplicaEnvironment env = new ReplicaEnvironment(TopicPartitionsTest.NODE_ID, dataDir, flusher, replicas,
                name -> topics.topic(name).map(t -> TopicConfigs.toLogConfig(t.configs())),
                tp -> List.of(TopicPartitionsTest.NODE_ID), Duration.ofMinutes(5), RaftConfig.defaults(), null,
                ReplicaEnvironment.LeadershipListener.NONE, Tiering.NONE);
        system = ActorSystem.create(PartitionReplica.create(PartitionReplica.entityId(OFFSETS_0, TopicPartitionsTest.NODE_ID),
                env), "txn-offset-commit-test");
        offsetsReplica = leading.get(10, TimeUnit.SECONDS);
        final BrokerServices services = new BrokerServices(TopicPartitionsTest.nodeConfig(dataDir), "test-cluster",
                "broker.example", 19092, topics, replicas, new PartitionClient(), null, null,
                ClusterView.singleNode(TopicPartitionsTest.NODE_ID, "broker.example", 19092));
        coordinator = new GroupCoordinator(system, services,
                new GroupSettings(1, 100 << 20, 6000, 300_000, 0, Duration.ofDays(7).toMillis(), 4096, 100, 45_000, 5000));
        coordinator.startedLeading(offsetsReplica);
        txnCommit = new TxnOffsetCommitHandler(coordinator);
        offsetFetch = new OffsetFetchHandler(coordinator);
    }

    @AfterEach
    void tearDown() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        flusher.close();
        topics.close();
    }

    @Test
    void offsetsAreHiddenUntilTheTransactionCommits() throws Exception {
        assertEquals(Errors.NONE, commitInTransaction(PRODUCER, EPOCH, "g", 42));
        assertEquals(-1, fetch("g", false).committedOffset());
        assertEquals(Errors.UNSTABLE_OFFSET_COMMIT.code(), fetch("g", true).errorCode());
        assertEquals(Errors.UNSTABLE_OFFSET_COMMIT.code(), fetchSingleGroupForm("g").errorCode());

        assertEquals(Errors.NONE, complete(PRODUCER, EPOCH, true));
        final OffsetFetchResponseData.OffsetFetchResponsePartitions committed = fetch("g", true);
        assertEquals(Errors.NONE.code(), committed.errorCode());
        assertEquals(42, committed.committedOffset());
        assertEquals(Errors.NONE, complete(PRODUCER, EPOCH, true), "a retried marker is answered the same");
        assertEquals(42, fetch("g", true).committedOffset());
    }

    @Test
    void anAbortedTransactionLeavesTheCommittedOffset() throws Exception {
        assertEquals(Errors.NONE, commitInTransaction(PRODUCER, EPOCH, "g", 10));
        assertEquals(Errors.NONE, complete(PRODUCER, EPOCH, true));
        assertEquals(Errors.NONE, commitInTransaction(PRODUCER, EPOCH, "g", 20));
        assertEquals(Errors.NONE, complete(PRODUCER, EPOCH, false));
        final OffsetFetchResponseData.OffsetFetchResponsePartitions after = fetch("g", true);
        assertEquals(Errors.NONE.code(), after.errorCode());
        assertEquals(10, after.committedOffset());
    }

    @Test
    void aReloadedCoordinatorKeepsDecidedAndOpenTransactionsApart() throws Exception {
        assertEquals(Errors.NONE, commitInTransaction(PRODUCER, EPOCH, "g", 10));
        assertEquals(Errors.NONE, complete(PRODUCER, EPOCH, true));
        assertEquals(Errors.NONE, commitInTransaction(PRODUCER + 1, EPOCH, "g", 30));
        assertEquals(Errors.NONE, commitInTransaction(PRODUCER + 2, EPOCH, "h", 50));
        assertEquals(Errors.NONE, complete(PRODUCER + 2, EPOCH, false));

        coordinator.startedLeading(offsetsReplica);   // a new coordinator for the partition, replaying its log

        assertEquals(10, fetch("g", false).committedOffset());
        assertEquals(Errors.UNSTABLE_OFFSET_COMMIT.code(), fetch("g", true).errorCode());
        assertEquals(-1, fetch("h", true).committedOffset());
        assertEquals(Errors.NONE, complete(PRODUCER + 1, EPOCH, true));
        assertEquals(30, fetch("g", true).committedOffset());
    }

    @Test
    void aZombieIsFenced() throws Exception {
        // A producer that names a consumer the group does not know.
        final TxnOffsetCommitRequestData stranger = request(PRODUCER, EPOCH, "g", 5).setGenerationId(3).setMemberId("gone");
        assertEquals(Errors.UNKNOWN_MEMBER_ID, partitionError(call(txnCommit, stranger, (short) 3)));
        // A producer whose epoch a newer incarnation (same transactional id) has bumped.
        assertEquals(Errors.NONE, complete(PRODUCER, (short) (EPOCH + 1), false));
        assertEquals(Errors.INVALID_PRODUCER_EPOCH, commitInTransaction(PRODUCER, EPOCH, "g", 5));
        assertEquals(-1, fetch("g", false).committedOffset());
    }

    @Test
    void unknownPartitionsAreRefused() throws Exception {
        final TxnOffsetCommitRequestData data = request(PRODUCER, EPOCH, "g", 5);
        data.topics().get(0).partitions().get(0).setPartitionIndex(2);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, partitionError(call(txnCommit, data, (short) 3)));
    }

    @Test
    void markersNeedTheCoordinatorHere() throws Exception {
        coordinator.stoppedLeading(offsetsReplica);
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, complete(PRODUCER, EPOCH, true));
    }

    private Errors commitInTransaction(final long producerId, final short epoch, final String group, final long offset)
            throws Exception {
        return partitionError(call(txnCommit, request(producerId, epoch, group, offset),
                txnCommit.latestVersion()));
    }

    private static TxnOffsetCommitRequestData request(final long producerId, final short epoch, final String group,
            final long offset) {
        final TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId("tx")
                .setGroupId(group).setProducerId(producerId).setProducerEpoch(epoch);
        data.topics().add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("orders")
                .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                        .setPartitionIndex(0).setCommittedOffset(offset).setCommittedMetadata(""))));
        return data;
    }

    private static Errors partitionError(final TxnOffsetCommitResponse response) {
        final TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic topic = response.data().topics().get(0);
        return Errors.forCode(topic.partitions().get(0).errorCode());
    }

    private Errors complete(final long producerId, final short epoch, final boolean commit) throws Exception {
        return coordinator.completeTransaction(0, producerId, epoch, commit, 0).get(10, TimeUnit.SECONDS);
    }

    /** orders-0 of the group, as a v8+ consumer fetches it. */
    private OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(final String group, final boolean requireStable)
            throws Exception {
        final OffsetFetchRequestData data = new OffsetFetchRequestData().setRequireStable(requireStable);
        data.groups().add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group)
                .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("orders")
                        .setPartitionIndexes(List.of(0)))));
        final OffsetFetchResponse response = call(offsetFetch, data, (short) 8);
        final OffsetFetchResponseData.OffsetFetchResponseGroup answer = response.data().groups().get(0);
        assertEquals(Errors.NONE.code(), answer.errorCode());
        return answer.topics().get(0).partitions().get(0);
    }

    /** orders-0 with requireStable in the single-group form of v7. */
    private OffsetFetchResponseData.OffsetFetchResponsePartition fetchSingleGroupForm(final String group) throws Exception {
        final OffsetFetchRequestData data = new OffsetFetchRequestData().setGroupId(group).setRequireStable(true)
                .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("orders")
                        .setPartitionIndexes(List.of(0))));
        final OffsetFetchResponse response = call(offsetFetch, data, (short) 7);
        return response.data().topics().get(0).partitions().get(0);
    }
}
