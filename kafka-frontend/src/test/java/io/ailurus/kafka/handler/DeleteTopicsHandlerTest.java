package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteTopicsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private DeleteTopicsHandler handler;
    private TopicMetadata a;
    private TopicMetadata b;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        a = topics.create("a", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        b = topics.create("b", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        handler = new DeleteTopicsHandler(TopicPartitionsTest.services(dataDir, topics, new LocalReplicas()));
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void byName() throws Exception {
        final DeleteTopicsResponse response = call(handler,
                new DeleteTopicsRequestData().setTopicNames(List.of("a", "nope")).setTimeoutMs(1000), (short) 5);
        assertEquals(Errors.NONE.code(), response.data().responses().find("a").errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.data().responses().find("nope").errorCode());
        assertFalse(topics.topic("a").isPresent());
        assertTrue(topics.topic("b").isPresent());
    }

    @Test
    void byIdAndByNameInV6() throws Exception {
        final Uuid unknown = Uuid.randomUuid();
        final DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(1000).setTopics(List.of(
                new DeleteTopicState().setTopicId(a.id()),
                new DeleteTopicState().setName("b"),
                new DeleteTopicState().setTopicId(unknown)));
        final DeleteTopicsResponse response = call(handler, data, (short) 6);
        final DeletableTopicResult byId = find(response, a.id());
        assertEquals(Errors.NONE.code(), byId.errorCode());
        assertEquals("a", byId.name());
        final DeletableTopicResult byName = response.data().responses().find("b");
        assertEquals(Errors.NONE.code(), byName.errorCode());
        assertEquals(b.id(), byName.topicId());
        final DeletableTopicResult missing = find(response, unknown);
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), missing.errorCode());
        assertNull(missing.name());
        assertTrue(topics.topics().isEmpty());
    }

    @Test
    void ambiguousEntriesAreRefused() throws Exception {
        final DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(1000).setTopics(List.of(
                new DeleteTopicState().setName("a"),
                new DeleteTopicState().setName("a"),
                new DeleteTopicState().setName("b").setTopicId(b.id()),
                new DeleteTopicState()));
        final DeleteTopicsResponse response = call(handler, data, (short) 6);
        assertEquals(3, response.data().responses().size());
        for (final DeletableTopicResult result : response.data().responses()) {
            assertEquals(Errors.INVALID_REQUEST.code(), result.errorCode());
        }
        assertEquals(2, topics.topics().size());
    }

    private static DeletableTopicResult find(final DeleteTopicsResponse response, final Uuid id) {
        return response.data().responses().stream().filter(r -> r.topicId().equals(id)).findFirst().orElseThrow();
    }
}
