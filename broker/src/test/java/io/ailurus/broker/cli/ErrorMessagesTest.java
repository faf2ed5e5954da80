package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {

    private static final String BOOTSTRAP = "127.0.0.1:9092";

    private final AtomicInteger probes = new AtomicInteger();

    private ErrorMessages.Context context(final String topic, final boolean reachable) {
        return new ErrorMessages.Context(BOOTSTRAP, topic, 3000, bootstrap -> {
            probes.incrementAndGet();
            assertEquals(BOOTSTRAP, bootstrap);
            return reachable;
        });
    }

    private String describe(final Throwable error) {
        return ErrorMessages.describe(error, context("orders", false));
    }

    @Test
    void unwrapsFuturesAndClientConstructors() {
        final UnknownTopicOrPartitionException cause = new UnknownTopicOrPartitionException("gone");
        assertSame(cause, ErrorMessages.unwrap(new ExecutionException(cause)));
        assertSame(cause, ErrorMessages.unwrap(new CompletionException(new ExecutionException(cause))));
        final ConfigException config = new ConfigException("bad");
        assertSame(config, ErrorMessages.unwrap(new KafkaException("Failed to construct kafka producer", config)));
        final TopicExistsException notAWrapper = new TopicExistsException("exists", new RuntimeException());
        assertSame(notAWrapper, ErrorMessages.unwrap(notAWrapper), "subclasses of KafkaException are the error");
    }

    @Test
    void missingAndExistingTopicsByName() {
        assertEquals("topic 'orders' does not exist",
                describe(new ExecutionException(new UnknownTopicOrPartitionException("This server does not host"))));
        assertEquals("topic 'orders' already exists", describe(new TopicExistsException("Topic exists.")));
        assertEquals("unknown topic or partition: no such partition", ErrorMessages.describe(
                new UnknownTopicOrPartitionException("no such partition"), context(null, false)));
    }

    @Test
    void unreachableBrokerAfterATimeout() {
        final String expected = "cannot reach a broker at 127.0.0.1:9092 (is `./ailurus start` running?)";
        assertEquals(expected, describe(new ExecutionException(
                new TimeoutException("Timed out waiting for a node assignment. Call: listTopics"))));
        assertEquals(expected, describe(new java.util.concurrent.TimeoutException()));
        assertEquals(2, probes.get());
    }

    @Test
    void reachableButSlowBrokerAfterATimeout() {
        final String message = ErrorMessages.describe(new TimeoutException("Timed out waiting for a node assignment."),
                context("orders", true));
        assertEquals("the broker at 127.0.0.1:9092 did not answer within 3000 ms (--timeout): "
                + "Timed out waiting for a node assignment.", message);
    }

    @Test
    void onlyTimeoutsProbeTheBroker() {
        describe(new TopicExistsException("x"));
        describe(new PolicyViolationException("x"));
        assertEquals(0, probes.get());
    }

    @Test
    void brokerRejectionsKeepTheBrokersReason() {
        assertEquals("invalid topic name 'orders': Topic name is illegal",
                describe(new InvalidTopicException("Topic name is illegal")));
        assertEquals("invalid configuration: Unknown topic config name: retention.foo",
                describe(new InvalidConfigurationException("Unknown topic config name: retention.foo")));
        assertEquals("the broker's policy rejected the request: too many partitions",
                describe(new PolicyViolationException("too many partitions")));
        final String tooMany = "Replication factor: 3 larger than available brokers: 1.";
        assertEquals("invalid replication factor: " + tooMany,
                describe(new InvalidReplicationFactorException(tooMany)));
        assertEquals("offset out of range: Fetch position 99 is out of range for partition orders-0",
                describe(new OffsetOutOfRangeException("Fetch position 99 is out of range for partition orders-0",
                        Map.of(new TopicPartition("orders", 0), 99L))));
        assertEquals("not authorized to access topic 'orders'", describe(new TopicAuthorizationException("denied")));
        assertEquals("the broker does not support this request: v9", describe(new UnsupportedVersionException("v9")));
        assertEquals("the broker reported an error: not the controller",
                describe(new NotControllerException("not the controller")));
    }

    @Test
    void badBootstrapAddresses() {
        assertEquals("cannot resolve any address in '127.0.0.1:9092' (check -b/--bootstrap)",
                describe(new KafkaException("Failed to construct kafka admin client",
                        new ConfigException("No resolvable bootstrap urls given in bootstrap.servers"))));
        assertEquals("invalid bootstrap address '127.0.0.1:9092' (expected HOST:PORT[,HOST:PORT...])",
                describe(new ConfigException("Invalid url in bootstrap.servers: nope")));
        assertEquals("invalid client configuration: Invalid value x for configuration acks",
                describe(new ConfigException("Invalid value x for configuration acks")));
    }

    @Test
    void everyMessageIsOneLine() {
        final String message = describe(new InvalidConfigurationException("first line\n  second line\r\nthird"));
        assertEquals("invalid configuration: first line second line third", message);
        assertFalse(describe(new KafkaException("a\nb")).contains("\n"));
    }

    @Test
    void unexpectedErrorsNameTheirType() {
        assertEquals("unexpected error: java.lang.IllegalStateException: boom",
                describe(new IllegalStateException("boom")));
        assertTrue(describe(new PolicyViolationException((String) null)).endsWith("PolicyViolationException"));
    }
}
