package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalAlterConfigsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private IncrementalAlterConfigsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("t", 1, (short) 1, Map.of("retention.ms", "1000", "segment.ms", "60000"), false)
                .get(10, TimeUnit.SECONDS);
        handler = new IncrementalAlterConfigsHandler(TopicPartitionsTest.services(dataDir, topics, new LocalReplicas()));
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void setAndDeleteChangeOnlyTheNamedConfigs() {
        final Map<String, String> result = IncrementalAlterConfigsHandler.apply(
                Map.of("retention.ms", "1000", "segment.ms", "60000"),
                List.of(op("retention.ms", OpType.DELETE, null), op("retention.bytes", OpType.SET, "5000")));
        assertEquals(Map.of("segment.ms", "60000", "retention.bytes", "5000"), result);
    }

    @Test
    void appendAndSubtractWorkOnListsStartingFromTheDefault() {
        assertEquals(Map.of("cleanup.policy", "delete,compact"), IncrementalAlterConfigsHandler.apply(Map.of(),
                List.of(op("cleanup.policy", OpType.APPEND, "compact"))));
        assertEquals(Map.of("cleanup.policy", "delete"), IncrementalAlterConfigsHandler.apply(
                Map.of("cleanup.policy", "delete,compact"), List.of(op("cleanup.policy", OpType.SUBTRACT, "compact"))));
        assertEquals(Map.of("cleanup.policy", "delete"), IncrementalAlterConfigsHandler.apply(Map.of(),
                List.of(op("cleanup.policy", OpType.APPEND, "delete"))));   // already there: not added twice
    }

    @Test
    void appendToANonListIsInvalidConfig() {
        assertThrows(InvalidConfigurationException.class, () -> IncrementalAlterConfigsHandler.apply(Map.of(),
                List.of(op("retention.ms", OpType.APPEND, "5"))));
    }

    @Test
    void malformedOperationsAreInvalidRequests() {
        assertThrows(InvalidRequestException.class, () -> IncrementalAlterConfigsHandler.apply(Map.of(),
                List.of(op("retention.ms", OpType.SET, "1"), op("retention.ms", OpType.DELETE, null))));
        assertThrows(InvalidRequestException.class, () -> IncrementalAlterConfigsHandler.apply(Map.of(),
                List.of(op("retention.ms", OpType.SET, null))));
        assertThrows(InvalidRequestException.class, () -> IncrementalAlterConfigsHandler.apply(Map.of(),
                List.of(new AlterableConfig().setName("retention.ms").setConfigOperation((byte) 9).setValue("1"))));
    }

    @Test
    void alteringATopicStoresTheResult() throws Exception {
        final IncrementalAlterConfigsResponse response = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "t", op("retention.ms", OpType.SET, "2000"),
                        op("segment.ms", OpType.DELETE, null))), (short) 1);
        assertEquals(Errors.NONE.code(), response.data().responses().get(0).errorCode());
        assertEquals(Map.of("retention.ms", "2000"), topics.topic("t").orElseThrow().configs());
    }

    @Test
    void validateOnlyChangesNothing() throws Exception {
        final IncrementalAlterConfigsResponse response = call(handler, request(true,
                resource(ConfigResource.Type.TOPIC, "t", op("retention.ms", OpType.SET, "2000"))), (short) 0);
        assertEquals(Errors.NONE.code(), response.data().responses().get(0).errorCode());
        assertEquals("1000", topics.topic("t").orElseThrow().configs().get("retention.ms"));
    }

    @Test
    void errorsPerResource() throws Exception {
        final IncrementalAlterConfigsResponse response = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "nope", op("retention.ms", OpType.SET, "2000")),
                resource(ConfigResource.Type.TOPIC, "t", op("cleanup.policy", OpType.APPEND, "compact")),
                resource(ConfigResource.Type.TOPIC, "t", op("no.such.config", OpType.SET, "1")),
                resource(ConfigResource.Type.BROKER, "1", op("num.partitions", OpType.SET, "4")),
                resource(ConfigResource.Type.BROKER_LOGGER, "1", op("root", OpType.SET, "DEBUG"))), (short) 1);
        final List<AlterConfigsResourceResponse> results = List.copyOf(response.data().responses());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(0).errorCode());
        // "t" appears twice: both are refused, as Kafka refuses them, before looking at their operations.
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(1).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(2).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(3).errorCode());
        assertEquals(ConfigEntries.STATIC_BROKER_CONFIGS, results.get(3).errorMessage());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(4).errorCode());
    }

    @Test
    void invalidResultsAreInvalidConfig() throws Exception {
        final IncrementalAlterConfigsResponse append = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "t", op("cleanup.policy", OpType.APPEND, "shred"))), (short) 1);
        assertEquals(Errors.INVALID_CONFIG.code(), append.data().responses().get(0).errorCode());
        final IncrementalAlterConfigsResponse unknown = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "t", op("no.such.config", OpType.SET, "1"))), (short) 1);
        assertEquals(Errors.INVALID_CONFIG.code(), unknown.data().responses().get(0).errorCode());
        assertEquals("1000", topics.topic("t").orElseThrow().configs().get("retention.ms"));
    }

    static AlterableConfig op(final String name, final OpType type, final String value) {
        return new AlterableConfig().setName(name).setConfigOperation(type.id()).setValue(value);
    }

    private static AlterConfigsResource resource(final ConfigResource.Type type, final String name,
            final AlterableConfig... configs) {
        final AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (final AlterableConfig config : configs) {
            resource.configs().add(config);
        }
        return resource;
    }

    private static IncrementalAlterConfigsRequestData request(final boolean validateOnly,
            final AlterConfigsResource... resources) {
        final IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
        for (final AlterConfigsResource resource : resources) {
            data.resources().add(resource);
        }
        return data;
    }
}
