package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.batch;
import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.Map;
import io.ailurus.partition.raft.SegmentRaftLog;
import io.ailurus.partition.replica.PartitionReplica;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetForLeaderEpochHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private SegmentLog log;
    private OffsetForLeaderEpochHandler handler;
    private SegmentRaftLog raftLog;
    private ActorSystem<PartitionReplica.Command> system;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("t", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        final LocalReplicas replicas = new LocalReplicas();
        final TopicPartition tp = new TopicPartition("t", 0);
        log = TopicPartitionsTest.openLog(dataDir, tp);
        log.append(batch(1, 2, 3), 0, 1_000);
        log.append(batch(4, 5), 0, 1_000);
        log.setHighWatermark(4);
        raftLog = SegmentRaftLog.open(log);
        system = ActorSystem.create(Behaviors.receiveMessage(command -> {
            if (command instanceof PartitionReplica.EndOffsetForEpoch request) {
                request.reply().complete(raftLog.endOffsetFor(request.epoch()));
            }
            return Behaviors.same();
        }), "epoch-test");
        TopicPartitionsTest.startReplica(replicas, tp, log, system);
        handler = new OffsetForLeaderEpochHandler(TopicPartitionsTest.services(dataDir, topics, replicas));
    }

    @AfterEach
    void tearDown() throws Exception {
        system.terminate();
        log.close();
        topics.close();
    }

    @Test
    void theOnlyEpochEndsAtTheLogEnd() {
        assertEnd(0, 0, 5);
    }

    @Test
    void unknownAndLaterEpochsHaveNoEnd() {
        assertEnd(-1, -1, -1);
        assertEnd(1, -1, -1);
        assertEnd(7, -1, -1);
    }

    @Test
    void throughTheWire() throws Exception {
        final OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        data.topics().add(topic("t", partition(0, 0, -1), partition(1, 0, -1)));
        data.topics().add(topic("nope", partition(0, 0, -1)));
        final OffsetsForLeaderEpochResponse response = call(handler, data, (short) 4);
        final EpochEndOffset p0 = response.data().topics().find("t").partitions().get(0);
        assertEquals(Errors.NONE.code(), p0.errorCode());
        assertEquals(0, p0.leaderEpoch());
        assertEquals(5, p0.endOffset());
        final EpochEndOffset p1 = response.data().topics().find("t").partitions().get(1);
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), p1.errorCode());
        assertEquals(-1, p1.endOffset());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                response.data().topics().find("nope").partitions().get(0).errorCode());
    }

    @Test
    void aNewerCurrentLeaderEpochIsUnknown() throws Exception {
        final OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        data.topics().add(topic("t", partition(0, 0, 1)));
        final OffsetsForLeaderEpochResponse response = call(handler, data, (short) 2);
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), response.data().topics().find("t").partitions().get(0).errorCode());
    }

    private void assertEnd(final int requested, final int expectedEpoch, final long expectedOffset) {
        final OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        data.topics().add(topic("t", partition(0, requested, -1)));
        final EpochEndOffset answer;
        try {
            final OffsetsForLeaderEpochResponse response = call(handler, data, (short) 4);
            answer = response.data().topics().find("t").partitions().get(0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(Errors.NONE.code(), answer.errorCode());
        assertEquals(expectedEpoch, answer.leaderEpoch(), "epoch for " + requested);
        assertEquals(expectedOffset, answer.endOffset(), "end offset for " + requested);
    }

    private static OffsetForLeaderTopic topic(final String name, final OffsetForLeaderPartition... partitions) {
        final OffsetForLeaderTopic topic = new OffsetForLeaderTopic().setTopic(name);
        topic.partitions().addAll(java.util.List.of(partitions));
        return topic;
    }

    private static OffsetForLeaderPartition partition(final int index, final int leaderEpoch, final int currentLeaderEpoch) {
        return new OffsetForLeaderPartition().setPartition(index).setLeaderEpoch(leaderEpoch)
                .setCurrentLeaderEpoch(currentLeaderEpoch);
    }
}
