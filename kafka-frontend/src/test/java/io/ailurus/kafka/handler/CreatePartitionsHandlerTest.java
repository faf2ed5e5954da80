package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.NODE_ID;
import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreatePartitionsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private CreatePartitionsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("t", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        handler = new CreatePartitionsHandler(TopicPartitionsTest.services(dataDir, topics, new LocalReplicas()));
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void grows() throws Exception {
        assertEquals(Errors.NONE.code(), one(topic("t", 4, null), false).errorCode());
        assertEquals(4, topics.topic("t").orElseThrow().partitions());
    }

    @Test
    void validateOnlyDoesNotGrow() throws Exception {
        assertEquals(Errors.NONE.code(), one(topic("t", 4, null), true).errorCode());
        assertEquals(2, topics.topic("t").orElseThrow().partitions());
    }

    @Test
    void assignmentsMustCoverTheNewPartitionsOnThisNode() throws Exception {
        final List<CreatePartitionsAssignment> one = List.of(assignment(NODE_ID));
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), one(topic("t", 4, one), false).errorCode());
        final List<CreatePartitionsAssignment> elsewhere = List.of(assignment(NODE_ID), assignment(2));
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), one(topic("t", 4, elsewhere), false).errorCode());
        final List<CreatePartitionsAssignment> good = List.of(assignment(NODE_ID), assignment(NODE_ID));
        assertEquals(Errors.NONE.code(), one(topic("t", 4, good), false).errorCode());
        assertEquals(4, topics.topic("t").orElseThrow().partitions());
    }

    @Test
    void refusals() throws Exception {
        assertEquals(Errors.INVALID_PARTITIONS.code(), one(topic("t", 2, List.of(assignment(7))), false).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), one(topic("nope", 3, null), false).errorCode());
        final CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(1000);
        data.topics().add(topic("t", 3, null));
        data.topics().add(topic("t", 4, null));
        final CreatePartitionsResponse response = call(handler, data, (short) 3);
        assertEquals(1, response.data().results().size());
        assertEquals(Errors.INVALID_REQUEST.code(), response.data().results().get(0).errorCode());
        assertEquals(2, topics.topic("t").orElseThrow().partitions());
    }

    private CreatePartitionsTopicResult one(final CreatePartitionsTopic topic, final boolean validateOnly) throws Exception {
        final CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(1000)
                .setValidateOnly(validateOnly);
        data.topics().add(topic);
        final CreatePartitionsResponse response = call(handler, data, (short) 0);
        return response.data().results().get(0);
    }

    private static CreatePartitionsTopic topic(final String name, final int count,
            final List<CreatePartitionsAssignment> assignments) {
        return new CreatePartitionsTopic().setName(name).setCount(count).setAssignments(assignments);
    }

    private static CreatePartitionsAssignment assignment(final Integer... brokers) {
        return new CreatePartitionsAssignment().setBrokerIds(List.of(brokers));
    }
}
