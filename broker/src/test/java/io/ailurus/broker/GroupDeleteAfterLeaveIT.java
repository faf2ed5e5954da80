package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classic group whose last member leaves is empty at once, so a DeleteGroups sent right behind the LeaveGroup
 * succeeds, as in Kafka (kafkajs' {@code admin.setOffsets} joins and leaves, and a {@code deleteGroups} after it got
 * NON_EMPTY_GROUP). The node keeps the default initial rebalance delay, which the bug came from.
 */
@Timeout(120)
class GroupDeleteAfterLeaveIT {

    private static final String TOPIC = "leave-then-delete";
    private static final String GROUP = "leave-then-delete-group";

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of("ailurus.groups.offsets-topic-partitions", 4));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void deleteGroupsRightBehindTheLastMembersLeaveSucceeds() throws Exception {
        broker.createTopic(TOPIC, 1);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "group.id", GROUP,
                "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of(TOPIC));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            assertEquals(1, consumer.assignment().size(), "the consumer joined");
            final String memberId = consumer.groupMetadata().memberId();

            // Both on one connection, back to back: the delete reaches the coordinator right after the leave.
            try (RawConnection raw = new RawConnection(broker.node().kafkaPort())) {
                final LeaveGroupRequest leave = new LeaveGroupRequest.Builder(GROUP,
                        List.of(new MemberIdentity().setMemberId(memberId))).build((short) 3);
                final DeleteGroupsRequest delete = new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                        .setGroupsNames(List.of(GROUP))).build((short) 2);
                final RequestHeader leaveHeader = raw.header(leave, "leave-then-delete");
                final RequestHeader deleteHeader = raw.header(delete, "leave-then-delete");
                raw.sendFrame(leave.serializeWithHeader(leaveHeader));
                raw.sendFrame(delete.serializeWithHeader(deleteHeader));
                final LeaveGroupResponse left = (LeaveGroupResponse) AbstractResponse.parseResponse(raw.readFrame(),
                        leaveHeader);
                final DeleteGroupsResponse deleted = (DeleteGroupsResponse) AbstractResponse.parseResponse(
                        raw.readFrame(), deleteHeader);
                assertEquals(Errors.NONE, left.error());
                assertEquals(Errors.NONE, Errors.forCode(deleted.data().results().find(GROUP).errorCode()),
                        "the group is empty once its last member left");
            }
        }
    }
}
