package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.batch;
import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.partition.replica.AppendResult;
import io.ailurus.partition.replica.GroupCommitFlusher;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionClient;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaEnvironment;
import io.ailurus.partition.replica.ReplicaHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real partition replica (an actor owning a log in a temp dir), as DeleteRecords goes through it. */
class DeleteRecordsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private GroupCommitFlusher flusher;
    private ActorSystem<PartitionReplica.Command> system;
    private ReplicaHandle replica;
    private DeleteRecordsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("t", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        topics.create("idle", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        flusher = new GroupCommitFlusher(1);
        final LocalReplicas replicas = new LocalReplicas();
        final ReplicaEnvironment env = new ReplicaEnvironment(TopicPartitionsTest.NODE_ID, dataDir, flusher, replicas,
                name -> topics.topic(name).map(t -> TopicConfigs.toLogConfig(t.configs())),
                tp -> java.util.List.of(TopicPartitionsTest.NODE_ID), Duration.ofMinutes(5),
                io.ailurus.partition.raft.RaftConfig.defaults(), null, ReplicaEnvironment.LeadershipListener.NONE,
                io.ailurus.partition.tier.Tiering.NONE);
        // The replica is the system's guardian: no sharding needed for one local entity.
        system = ActorSystem.create(PartitionReplica.create(PartitionReplica.entityId(new TopicPartition("t", 0),
                TopicPartitionsTest.NODE_ID), env), "delete-records-test");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((replica = replicas.leader(new TopicPartition("t", 0))) == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        final PartitionClient client = new PartitionClient();
        final AppendResult appended = client.append(replica, batch(1, 2, 3, 4, 5), (short) -1, Duration.ofSeconds(10))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, appended.error());
        assertEquals(5, replica.log().highWatermark());
        handler = new DeleteRecordsHandler(new BrokerServices(TopicPartitionsTest.nodeConfig(dataDir), "test-cluster",
                "broker.example", 19092, topics, replicas, client, null, null,
                io.ailurus.kafka.ClusterView.singleNode(TopicPartitionsTest.NODE_ID, "broker.example", 19092)));
    }

    @AfterEach
    void tearDown() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        flusher.close();
        topics.close();
    }

    @Test
    void movesTheLogStartOffset() throws Exception {
        final DeleteRecordsPartitionResult result = deleteOne("t", 0, 2);
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertEquals(2, result.lowWatermark());
        assertEquals(2, replica.log().logStartOffset());
    }

    @Test
    void minusOneMeansTheHighWatermark() throws Exception {
        final DeleteRecordsPartitionResult result = deleteOne("t", 0, -1);
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertEquals(5, result.lowWatermark());
    }

    @Test
    void beyondTheHighWatermarkIsOutOfRange() throws Exception {
        final DeleteRecordsPartitionResult result = deleteOne("t", 0, 6);
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), result.errorCode());
        assertEquals(-1, result.lowWatermark());
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), deleteOne("t", 0, -7).errorCode());
        assertEquals(0, replica.log().logStartOffset());
    }

    @Test
    void partitionErrors() throws Exception {
        final DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5000);
        data.topics().add(topic("nope", 0, 1));
        data.topics().add(topic("t", 3, 1));
        data.topics().add(topic("idle", 0, 1));
        data.topics().add(topic("__consumer_offsets", 0, 1));
        final DeleteRecordsResponse response = call(handler, data, (short) 2);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partition(response, "nope").errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partition(response, "t").errorCode());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), partition(response, "idle").errorCode());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), partition(response, "__consumer_offsets").errorCode());
    }

    @Test
    void theReplicaGetsAtLeastASecond() {
        assertEquals(DeleteRecordsHandler.MIN_TIMEOUT, DeleteRecordsHandler.timeout(0));
        assertEquals(Duration.ofSeconds(30), DeleteRecordsHandler.timeout(30_000));
    }

    private DeleteRecordsPartitionResult deleteOne(final String topic, final int partition, final long offset)
            throws Exception {
        final DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5000);
        data.topics().add(topic(topic, partition, offset));
        final DeleteRecordsResponse response = call(handler, data, (short) 0);
        return partition(response, topic);
    }

    private static DeleteRecordsPartitionResult partition(final DeleteRecordsResponse response, final String topic) {
        return response.data().topics().find(topic).partitions().iterator().next();
    }

    private static DeleteRecordsTopic topic(final String name, final int partition, final long offset) {
        return new DeleteRecordsTopic().setName(name).setPartitions(List.of(
                new DeleteRecordsPartition().setPartitionIndex(partition).setOffset(offset)));
    }
}
