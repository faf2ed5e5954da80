package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.DelegationTokenAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.resource.ResourceType;
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

    private String describe(final Throwable error, final ErrorMessages.Access access) {
        return ErrorMessages.describe(error, new ErrorMessages.Context(BOOTSTRAP, "orders", 3000, b -> true, access));
    }

    @Test
    void authorizationErrorsNameThePrincipalAndTheMissingPermission() {
        final ErrorMessages.Access produce = new ErrorMessages.Access("User:alice", "SASL_SSL",
                Map.of(ResourceType.TOPIC, "WRITE", ResourceType.CLUSTER, "IDEMPOTENT_WRITE",
                        ResourceType.TRANSACTIONAL_ID, "WRITE"),
                Map.of(ResourceType.TOPIC, "orders", ResourceType.TRANSACTIONAL_ID, "tx-1"));
        assertEquals("not authorized: User:alice lacks WRITE permission on topic 'orders'",
                describe(new TopicAuthorizationException("denied"), produce));
        assertEquals("not authorized: User:alice lacks WRITE permission on topics 'a', 'b'",
                describe(new ExecutionException(new TopicAuthorizationException(Set.of("b", "a"))), produce));
        assertEquals("not authorized: User:alice lacks IDEMPOTENT_WRITE permission on the cluster",
                describe(new ClusterAuthorizationException("denied"), produce));
        assertEquals("not authorized: User:alice lacks WRITE permission on transactional id 'tx-1'",
                describe(new TransactionalIdAuthorizationException("denied"), produce));
        final ErrorMessages.Access group = new ErrorMessages.Access(null, "SSL", Map.of(ResourceType.GROUP, "READ"),
                Map.of());
        assertEquals("not authorized: this client lacks READ permission on group 'app'",
                describe(GroupAuthorizationException.forGroupId("app"), group));
        assertEquals("not authorized to access the cluster",
                describe(new ClusterAuthorizationException("denied"), group));
        assertEquals("not authorized: Delegation token authorization failed",
                describe(new DelegationTokenAuthorizationException("Delegation token authorization failed"), group));
    }

    @Test
    void authenticationErrorsSayWhoFailedWhere() {
        final ErrorMessages.Access alice = new ErrorMessages.Access("User:alice", "SASL_SSL", Map.of(), Map.of());
        assertEquals("authentication failed: Authentication failed during authentication due to invalid credentials "
                + "with SASL mechanism SCRAM-SHA-512 (User:alice at 127.0.0.1:9092)",
                describe(new SaslAuthenticationException("Authentication failed during authentication due to invalid "
                        + "credentials with SASL mechanism SCRAM-SHA-512"), alice));
        assertEquals("authentication failed: Unexpected handshake request with client mechanism GSSAPI "
                + "(127.0.0.1:9092)", describe(new UnsupportedSaslMechanismException(
                        "Unexpected handshake request with client mechanism GSSAPI"), ErrorMessages.Access.UNKNOWN));
    }

    @Test
    void tlsHandshakeFailuresSayWhatToChange() {
        final SslAuthenticationException untrusted = new SslAuthenticationException("SSL handshake failed",
                new SSLHandshakeException("PKIX path building failed: "
                        + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
                        + "certification path to requested target"));
        assertEquals("TLS handshake with the broker at 127.0.0.1:9092 failed: the server's certificate is not trusted "
                + "(give its CA with --tls-truststore)", describe(untrusted));
        final SslAuthenticationException wrongName = new SslAuthenticationException("SSL handshake failed",
                new SSLHandshakeException("No subject alternative names matching IP address 10.0.0.1 found"));
        assertEquals("TLS handshake with the broker at 127.0.0.1:9092 failed: the server's certificate does not name "
                + "the address connected to (connect by a name it has, or pass --tls-no-hostname-check)",
                describe(wrongName));
        final SslAuthenticationException noCertificate = new SslAuthenticationException("SSL handshake failed",
                new SSLHandshakeException("Received fatal alert: bad_certificate"));
        assertEquals("TLS handshake with the broker at 127.0.0.1:9092 failed: the server wants a client certificate it "
                + "trusts (--tls-keystore)", describe(noCertificate));
        assertEquals("TLS handshake with the broker at 127.0.0.1:9092 failed: the server does not speak TLS at this "
                + "address (connect to its TLS port)", describe(new SslAuthenticationException("SSL handshake failed",
                        new SSLException("Unrecognized SSL message, plaintext connection?"))));
        assertEquals("TLS handshake with the broker at 127.0.0.1:9092 failed: something else", describe(
                new SslAuthenticationException("SSL handshake failed", new SSLException("something else"))));
    }

    @Test
    void aclsOffOnTheBroker() {
        assertEquals("ACLs are not enabled on the broker (start it with --authorization on, or with a SASL listener)",
                describe(new SecurityDisabledException("No authorizer is configured on the broker")));
    }

    @Test
    void aTimeoutOnAReachableBrokerHintsAtAProtocolMismatch() {
        final TimeoutException timeout = new TimeoutException("Timed out waiting for a node assignment.");
        assertEquals("the broker at 127.0.0.1:9092 did not answer within 3000 ms (--timeout): Timed out waiting for a "
                + "node assignment. (the client used PLAINTEXT; a TLS or SASL listener needs --tls, --user and "
                + "--password, or --command-config)",
                describe(timeout, new ErrorMessages.Access(null, "PLAINTEXT", Map.of(), Map.of())));
        assertTrue(describe(timeout, new ErrorMessages.Access("User:a", "SASL_SSL", Map.of(), Map.of()))
                .endsWith("(the client used SASL_SSL; a listener without TLS needs no TLS options, one without SASL "
                        + "no --user)"));
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
