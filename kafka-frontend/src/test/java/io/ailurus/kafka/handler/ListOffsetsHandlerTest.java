package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.batch;
import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListOffsetsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private SegmentLog log;
    private ListOffsetsHandler handler;

    /** Partition t-0 holds offsets 0..5 with timestamps 100, 200, 300 | 250, 900, 400; offsets 0..4 are committed. */
    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("t", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        final LocalReplicas replicas = new LocalReplicas();
        final TopicPartition tp = new TopicPartition("t", 0);
        log = TopicPartitionsTest.openLog(dataDir, tp);
        log.append(batch(100, 200, 300), 0, 1_000);
        log.append(batch(250, 900, 400), 0, 1_000);
        log.setHighWatermark(5);
        replica = TopicPartitionsTest.startReplica(replicas, tp, log);
        handler = new ListOffsetsHandler(TopicPartitionsTest.services(dataDir, topics, replicas));
    }

    private io.ailurus.partition.replica.ReplicaHandle replica;

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        topics.close();
    }

    @Test
    void specialTimestamps() {
        assertAnswer(ListOffsetsRequest.LATEST_TIMESTAMP, -1, 5, 0);
        assertAnswer(ListOffsetsRequest.EARLIEST_TIMESTAMP, -1, 0, 0);
        assertAnswer(ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP, -1, 0, 0);
        assertAnswer(ListOffsetsRequest.MAX_TIMESTAMP, 900, 4, 0);
        assertAnswer(ListOffsetsRequest.LATEST_TIERED_TIMESTAMP, -1, -1, -1);
    }

    @Test
    void timestampSearchFindsTheFirstRecordAtOrAfterIt() {
        assertAnswer(0, 100, 0, 0);
        assertAnswer(150, 200, 1, 0);
        assertAnswer(260, 300, 2, 0);
        assertAnswer(500, 900, 4, 0);
    }

    @Test
    void recordsAtOrAboveTheHighWatermarkAreNotVisible() {
        log.setHighWatermark(4);
        assertAnswer(500, -1, -1, -1);                                  // offset 4 is not committed
        assertAnswer(ListOffsetsRequest.MAX_TIMESTAMP, -1, -1, -1);
        assertAnswer(ListOffsetsRequest.LATEST_TIMESTAMP, -1, 4, 0);
        assertAnswer(1_000, -1, -1, -1);                                // nothing that late at all
    }

    @Test
    void earliestFollowsTheLogStartOffset() {
        log.deleteRecordsBefore(2);
        assertAnswer(ListOffsetsRequest.EARLIEST_TIMESTAMP, -1, 2, 0);
        assertAnswer(0, 300, 2, 0);
    }

    @Test
    void throughTheWire() throws Exception {
        final ListOffsetsResponse response = call(handler, request(
                partition("t", 0, ListOffsetsRequest.MAX_TIMESTAMP, -1),
                partition("t", 1, ListOffsetsRequest.LATEST_TIMESTAMP, -1),   // exists, replica not running
                partition("nope", 0, ListOffsetsRequest.LATEST_TIMESTAMP, -1),
                partition("t", 7, ListOffsetsRequest.LATEST_TIMESTAMP, -1)), (short) 10);
        assertEquals(4, response.topics().get(0).partitions().get(0).offset());
        assertEquals(900, response.topics().get(0).partitions().get(0).timestamp());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), response.topics().get(1).partitions().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().get(2).partitions().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().get(3).partitions().get(0).errorCode());
    }

    @Test
    void aLeaderOutsideItsReadLeaseSendsTheClientElsewhere() throws Exception {
        // What a leader cut off from its peers publishes once a majority has not answered for an election timeout.
        final java.lang.reflect.Method lease = io.ailurus.partition.replica.ReplicaHandle.class
                .getDeclaredMethod("setReadLeaseUntil", long.class);
        lease.setAccessible(true);
        lease.invoke(replica, System.nanoTime() / 1_000_000 - 1);
        final ListOffsetsResponse response = call(handler, request(
                partition("t", 0, ListOffsetsRequest.LATEST_TIMESTAMP, -1)), (short) 10);
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), response.topics().get(0).partitions().get(0).errorCode());
    }

    @Test
    void currentLeaderEpochIsChecked() throws Exception {
        final ListOffsetsResponse response = call(handler, request(
                partition("t", 0, ListOffsetsRequest.LATEST_TIMESTAMP, 0)), (short) 10);
        assertEquals(Errors.NONE.code(), response.topics().get(0).partitions().get(0).errorCode());
        final ListOffsetsResponse newer = call(handler, request(
                partition("t", 0, ListOffsetsRequest.LATEST_TIMESTAMP, 3)), (short) 10);
        final ListOffsetsPartitionResponse p = newer.topics().get(0).partitions().get(0);
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), p.errorCode());
        assertEquals(-1, p.offset());
    }

    @Test
    void specialTimestampsNeedTheirVersion() throws Exception {
        final ListOffsetsResponse v6 = call(handler, request(
                partition("t", 0, ListOffsetsRequest.MAX_TIMESTAMP, -1)), (short) 6);
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), v6.topics().get(0).partitions().get(0).errorCode());
        final ListOffsetsResponse unknown = call(handler, request(partition("t", 0, -42, -1)), (short) 10);
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), unknown.topics().get(0).partitions().get(0).errorCode());
    }

    @Test
    void oldVersionsCarryNoLeaderEpoch() throws Exception {
        final ListOffsetsResponse v1 = call(handler, request(
                partition("t", 0, ListOffsetsRequest.LATEST_TIMESTAMP, -1)), (short) 1);
        assertEquals(5, v1.topics().get(0).partitions().get(0).offset());
        assertEquals(-1, v1.topics().get(0).partitions().get(0).leaderEpoch());
    }

    @Test
    void aPartitionAskedTwiceIsInvalid() throws Exception {
        final ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsTopic().setName("t").setPartitions(List.of(
                        new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1),
                        new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-2)))));
        final ListOffsetsResponse response = call(handler, data, (short) 10);
        for (final ListOffsetsPartitionResponse p : response.topics().get(0).partitions()) {
            assertEquals(Errors.INVALID_REQUEST.code(), p.errorCode());
        }
    }

    private void assertAnswer(final long timestamp, final long expectedTimestamp, final long expectedOffset,
            final int expectedEpoch) {
        final ListOffsetsPartitionResponse answer = ListOffsetsHandler.offsetFor(log, 0, timestamp, 0);
        assertEquals(Errors.NONE.code(), answer.errorCode(), "error for " + timestamp);
        assertEquals(expectedOffset, answer.offset(), "offset for " + timestamp);
        assertEquals(expectedTimestamp, answer.timestamp(), "timestamp for " + timestamp);
        assertEquals(expectedEpoch, answer.leaderEpoch(), "leader epoch for " + timestamp);
    }

    private static ListOffsetsTopic partition(final String topic, final int partition, final long timestamp,
            final int currentLeaderEpoch) {
        return new ListOffsetsTopic().setName(topic).setPartitions(List.of(new ListOffsetsPartition()
                .setPartitionIndex(partition).setTimestamp(timestamp).setCurrentLeaderEpoch(currentLeaderEpoch)));
    }

    private static ListOffsetsRequestData request(final ListOffsetsTopic... topics) {
        return new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(topics));
    }
}
