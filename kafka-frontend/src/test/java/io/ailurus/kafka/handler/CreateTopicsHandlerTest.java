package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.NODE_ID;
import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateTopicsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private CreateTopicsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("existing", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        handler = new CreateTopicsHandler(TopicPartitionsTest.services(dataDir, topics, new LocalReplicas()));
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void defaultsFillInPartitionsAndReplicationFactor() throws Exception {
        final CreatableTopicResult result = createOne(topic("a", -1, (short) -1), (short) 7);
        assertEquals(Errors.NONE.code(), result.errorCode());
        final TopicMetadata created = topics.topic("a").orElseThrow();
        assertEquals(3, created.partitions());   // the node's default
        assertEquals(3, result.numPartitions());
        assertEquals(1, result.replicationFactor());
        assertEquals(created.id(), result.topicId());
    }

    @Test
    void effectiveConfigsAreReturnedFromV5() throws Exception {
        final CreatableTopic topic = topic("b", 2, (short) 1);
        topic.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue("5000"));
        final CreatableTopicResult result = createOne(topic, (short) 5);
        assertEquals(Errors.NONE.code(), result.errorCode());
        final CreatableTopicConfigs retention = config(result, "retention.ms");
        assertEquals("5000", retention.value());
        assertEquals(ConfigSource.TOPIC_CONFIG.id(), retention.configSource());
        final CreatableTopicConfigs segment = config(result, "segment.bytes");
        assertEquals(ConfigSource.DEFAULT_CONFIG.id(), segment.configSource());
        assertEquals(io.ailurus.cluster.metadata.TopicConfigs.defaultValues().size(), result.configs().size());
        assertEquals(Uuid.ZERO_UUID, result.topicId());   // v5 has no topic id
        assertEquals(Map.of("retention.ms", "5000"), topics.topic("b").orElseThrow().configs());
    }

    @Test
    void oldVersionsGetNoConfigs() throws Exception {
        final CreatableTopicResult result = createOne(topic("c", 1, (short) 1), (short) 2);
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertTrue(result.configs().isEmpty());
        assertEquals(-1, result.numPartitions());
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        final CreateTopicsRequestData data = new CreateTopicsRequestData().setValidateOnly(true).setTimeoutMs(1000);
        data.topics().add(topic("d", 4, (short) 1));
        final CreateTopicsResponse response = call(handler, data, (short) 7);
        assertEquals(Errors.NONE.code(), response.data().topics().find("d").errorCode());
        assertEquals(4, response.data().topics().find("d").numPartitions());
        assertFalse(topics.topic("d").isPresent());
    }

    @Test
    void manualAssignmentToThisNode() throws Exception {
        final CreatableTopic topic = topic("e", -1, (short) -1);
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(NODE_ID)));
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(NODE_ID)));
        assertEquals(Errors.NONE.code(), createOne(topic, (short) 7).errorCode());
        assertEquals(2, topics.topic("e").orElseThrow().partitions());
    }

    @Test
    void manualAssignmentToAnotherBrokerIsInvalid() throws Exception {
        final CreatableTopic topic = topic("f", -1, (short) -1);
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(NODE_ID, 2)));
        final CreatableTopicResult result = createOne(topic, (short) 7);
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), result.errorCode());
        assertFalse(topics.topic("f").isPresent());
    }

    @Test
    void manualAssignmentMustBeConsecutive() throws Exception {
        final CreatableTopic topic = topic("g", -1, (short) -1);
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(NODE_ID)));
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), createOne(topic, (short) 7).errorCode());
    }

    @Test
    void refusals() throws Exception {
        final CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(1000);
        data.topics().add(topic("existing", 1, (short) 1));
        data.topics().add(topic("dup", 1, (short) 1));
        data.topics().add(topic("dup", 2, (short) 1));
        data.topics().add(topic("bad/name", 1, (short) 1));
        data.topics().add(topic("rf3", 1, (short) 3));
        data.topics().add(topic("zero", 0, (short) 1));
        final CreatableTopic nullConfig = topic("nullconfig", 1, (short) 1);
        nullConfig.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue(null));
        data.topics().add(nullConfig);
        final CreatableTopic badConfig = topic("badconfig", 1, (short) 1);
        badConfig.configs().add(new CreatableTopicConfig().setName("no.such").setValue("1"));
        data.topics().add(badConfig);
        final CreateTopicsResponse response = call(handler, data, (short) 7);
        assertEquals(Errors.TOPIC_ALREADY_EXISTS.code(), response.data().topics().find("existing").errorCode());
        assertEquals(1, response.data().topics().findAll("dup").size());
        assertEquals(Errors.INVALID_REQUEST.code(), response.data().topics().find("dup").errorCode());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), response.data().topics().find("bad/name").errorCode());
        assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), response.data().topics().find("rf3").errorCode());
        assertEquals(Errors.INVALID_PARTITIONS.code(), response.data().topics().find("zero").errorCode());
        assertEquals(Errors.INVALID_CONFIG.code(), response.data().topics().find("nullconfig").errorCode());
        assertEquals(Errors.INVALID_CONFIG.code(), response.data().topics().find("badconfig").errorCode());
        assertNotEquals(null, response.data().topics().find("badconfig").errorMessage());
        assertFalse(topics.topic("dup").isPresent());
    }

    private CreatableTopicResult createOne(final CreatableTopic topic, final short version) throws Exception {
        final CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(1000);
        data.topics().add(topic);
        final CreateTopicsResponse response = call(handler, data, version);
        assertEquals(1, response.data().topics().size());
        return response.data().topics().find(topic.name());
    }

    private static CreatableTopic topic(final String name, final int partitions, final short replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor(replicationFactor);
    }

    private static CreatableTopicConfigs config(final CreatableTopicResult result, final String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
