package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlterConfigsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private AlterConfigsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("t", 1, (short) 1, Map.of("retention.ms", "1000"), false).get(10, TimeUnit.SECONDS);
        handler = new AlterConfigsHandler(TopicPartitionsTest.services(dataDir, topics, new LocalReplicas()));
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void replacesTheTopicsConfigs() throws Exception {
        final AlterConfigsResponse response = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "t", config("segment.ms", "60000"))), (short) 2);
        assertEquals(Errors.NONE.code(), response.data().responses().get(0).errorCode());
        assertEquals(Map.of("segment.ms", "60000"), topics.topic("t").orElseThrow().configs());   // retention.ms reset
    }

    @Test
    void validateOnlyChangesNothing() throws Exception {
        final AlterConfigsResponse response = call(handler, request(true,
                resource(ConfigResource.Type.TOPIC, "t", config("segment.ms", "60000"))), (short) 0);
        assertEquals(Errors.NONE.code(), response.data().responses().get(0).errorCode());
        assertEquals(Map.of("retention.ms", "1000"), topics.topic("t").orElseThrow().configs());
    }

    @Test
    void errorsPerResource() throws Exception {
        final AlterConfigsResponse response = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "nope", config("segment.ms", "60000")),
                resource(ConfigResource.Type.TOPIC, "t", config("segment.ms", "soon")),
                resource(ConfigResource.Type.BROKER, "1", config("num.partitions", "4")),
                resource(ConfigResource.Type.BROKER_LOGGER, "1", config("root", "DEBUG"))), (short) 1);
        final List<AlterConfigsResourceResponse> results = response.data().responses();
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(0).errorCode());
        assertEquals(Errors.INVALID_CONFIG.code(), results.get(1).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(2).errorCode());
        assertEquals(ConfigEntries.STATIC_BROKER_CONFIGS, results.get(2).errorMessage());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(3).errorCode());
        assertEquals(Map.of("retention.ms", "1000"), topics.topic("t").orElseThrow().configs());
    }

    @Test
    void repeatedResourcesAndKeysAreRefused() throws Exception {
        final AlterConfigsResponse response = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "t", config("segment.ms", "60000")),
                resource(ConfigResource.Type.TOPIC, "t", config("segment.ms", "70000"))), (short) 2);
        assertEquals(2, response.data().responses().size());
        response.data().responses().forEach(r -> assertEquals(Errors.INVALID_REQUEST.code(), r.errorCode()));
        final AlterConfigsResponse keys = call(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "t", config("segment.ms", "60000"), config("segment.ms", "1"))),
                (short) 2);
        assertEquals(Errors.INVALID_REQUEST.code(), keys.data().responses().get(0).errorCode());
        assertEquals(Map.of("retention.ms", "1000"), topics.topic("t").orElseThrow().configs());
    }

    private static AlterableConfig config(final String name, final String value) {
        return new AlterableConfig().setName(name).setValue(value);
    }

    private static AlterConfigsResource resource(final ConfigResource.Type type, final String name,
            final AlterableConfig... configs) {
        final AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (final AlterableConfig config : configs) {
            resource.configs().add(config);
        }
        return resource;
    }

    private static AlterConfigsRequestData request(final boolean validateOnly, final AlterConfigsResource... resources) {
        final AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(validateOnly);
        for (final AlterConfigsResource resource : resources) {
            data.resources().add(resource);
        }
        return data;
    }
}
