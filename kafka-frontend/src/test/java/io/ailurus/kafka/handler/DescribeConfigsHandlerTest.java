package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeConfigsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private DescribeConfigsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("t", 1, (short) 1, Map.of("retention.ms", "1000"), false).get(10, TimeUnit.SECONDS);
        handler = new DescribeConfigsHandler(TopicPartitionsTest.services(dataDir, topics, new LocalReplicas()));
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void topicConfigsWithTheirSources() throws Exception {
        final DescribeConfigsResult result = describe(ConfigResource.Type.TOPIC, "t", null, false, (short) 4);
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertEquals(TopicConfigs.defaultValues().size(), result.configs().size());
        final DescribeConfigsResourceResult retention = entry(result, "retention.ms");
        assertEquals("1000", retention.value());
        assertEquals(ConfigSource.TOPIC_CONFIG.id(), retention.configSource());
        assertEquals(ConfigType.LONG.id(), retention.configType());
        assertFalse(retention.readOnly());
        assertTrue(retention.synonyms().isEmpty());
        final DescribeConfigsResourceResult policy = entry(result, "cleanup.policy");
        assertEquals("delete", policy.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG.id(), policy.configSource());
        assertEquals(ConfigType.LIST.id(), policy.configType());
    }

    @Test
    void requestedKeysAndSynonyms() throws Exception {
        final DescribeConfigsResult result = describe(ConfigResource.Type.TOPIC, "t",
                List.of("retention.ms", "no.such.config"), true, (short) 1);
        assertEquals(1, result.configs().size());
        final DescribeConfigsResourceResult retention = result.configs().get(0);
        assertEquals(2, retention.synonyms().size());
        assertEquals(ConfigSource.TOPIC_CONFIG.id(), retention.synonyms().get(0).source());
        assertEquals("log.retention.ms", retention.synonyms().get(1).name());
        assertEquals(ConfigSource.DEFAULT_CONFIG.id(), retention.synonyms().get(1).source());
    }

    @Test
    void unknownAndInvalidTopics() throws Exception {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                describe(ConfigResource.Type.TOPIC, "nope", null, false, (short) 4).errorCode());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(),
                describe(ConfigResource.Type.TOPIC, "a/b", null, false, (short) 4).errorCode());
    }

    @Test
    void thisBrokersStaticSettings() throws Exception {
        final DescribeConfigsResult result = describe(ConfigResource.Type.BROKER, "1", null, true, (short) 4);
        assertEquals(Errors.NONE.code(), result.errorCode());
        final DescribeConfigsResourceResult partitions = entry(result, "num.partitions");
        assertEquals("3", partitions.value());
        assertTrue(partitions.readOnly());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id(), partitions.configSource());
        assertEquals(ConfigType.INT.id(), partitions.configType());
        assertEquals(dataDir.toAbsolutePath().toString(), entry(result, "log.dirs").value());
        assertEquals("1", entry(result, "broker.id").value());
    }

    @Test
    void otherBrokerResources() throws Exception {
        assertEquals(Errors.INVALID_REQUEST.code(),
                describe(ConfigResource.Type.BROKER, "2", null, false, (short) 4).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(),
                describe(ConfigResource.Type.BROKER, "x", null, false, (short) 4).errorCode());
        final DescribeConfigsResult defaults = describe(ConfigResource.Type.BROKER, "", null, false, (short) 4);
        assertEquals(Errors.NONE.code(), defaults.errorCode());
        assertTrue(defaults.configs().isEmpty());
        final DescribeConfigsResult loggers = describe(ConfigResource.Type.BROKER_LOGGER, "1", null, false, (short) 4);
        assertEquals(Errors.NONE.code(), loggers.errorCode());
        assertTrue(loggers.configs().isEmpty());
        assertEquals(Errors.INVALID_REQUEST.code(),
                describe(ConfigResource.Type.GROUP, "g", null, false, (short) 4).errorCode());
    }

    @Test
    void unknownResourceType() throws Exception {
        final DescribeConfigsRequestData data = new DescribeConfigsRequestData();
        data.resources().add(new DescribeConfigsResource().setResourceType((byte) 99).setResourceName("x"));
        final DescribeConfigsResponse response = call(handler, data, (short) 4);
        assertEquals(Errors.INVALID_REQUEST.code(), response.data().results().get(0).errorCode());
        assertEquals(99, response.data().results().get(0).resourceType());
    }

    private DescribeConfigsResult describe(final ConfigResource.Type type, final String name, final List<String> keys,
            final boolean synonyms, final short version) throws Exception {
        final DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(synonyms);
        data.resources().add(new DescribeConfigsResource().setResourceType(type.id()).setResourceName(name)
                .setConfigurationKeys(keys));
        final DescribeConfigsResponse response = call(handler, data, version);
        assertEquals(1, response.data().results().size());
        assertEquals(name, response.data().results().get(0).resourceName());
        return response.data().results().get(0);
    }

    private static DescribeConfigsResourceResult entry(final DescribeConfigsResult result, final String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
