package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ailurus.broker.security.TestCertificates;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security as a Kafka user meets it, with real kafka-clients over real sockets against one node with three listeners:
 * SASL_SSL (SCRAM and PLAIN over TLS), SSL with client certificates required (principal from the certificate's
 * subject through ssl.principal.mapping.rules) and SASL_PLAINTEXT. The bootstrap user {@code admin} is a super user;
 * authorization is on because SASL listeners exist. Sessions last 3 s (clients re-authenticate, KIP-368), unfinished
 * handshakes are cut after 2 s and the keystore is checked for replacement every second.
 *
 * <p>The certificate reload runs last: it replaces the server's CA, after which clients trusting the first CA fail.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

    private static final String SASL_SSL = "SASL_SSL";
    private static final String SSL = "SSL";
    private static final String SASL_PLAINTEXT = "SASL_PLAINTEXT";
    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String SCRAM_256 = "SCRAM-SHA-256";
    private static final String SCRAM_512 = "SCRAM-SHA-512";
    private static final String PLAIN = "PLAIN";

    @TempDir
    static Path dir;

    static TestCertificates certs;
    /** The keystore file the broker is configured with; the reload test replaces it. */
    static Path liveKeystore;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        liveKeystore = dir.resolve("live-server.p12");
        Files.copy(certs.serverKeyStore(), liveKeystore);
        broker = TestBroker.start(dir.resolve("data"), Map.ofEntries(
                Map.entry("ailurus.kafka.listeners", "SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0"),
                Map.entry("ailurus.security.ssl.keystore.location", liveKeystore.toString()),
                Map.entry("ailurus.security.ssl.keystore.type", "PKCS12"),
                Map.entry("ailurus.security.ssl.keystore.password", TestCertificates.PASSWORD),
                Map.entry("ailurus.security.ssl.key.password", TestCertificates.PASSWORD),
                Map.entry("ailurus.security.ssl.truststore.location", certs.trustStore().toString()),
                Map.entry("ailurus.security.ssl.truststore.type", "PKCS12"),
                Map.entry("ailurus.security.ssl.truststore.password", TestCertificates.PASSWORD),
                Map.entry("ailurus.security.ssl.principal.mapping.rules", "RULE:^CN=([a-zA-Z0-9]+),.*$/$1/,DEFAULT"),
                Map.entry("ailurus.security.listener.ssl.ssl.client.auth", "required"),
                Map.entry("ailurus.security.super-users", List.of("User:admin")),
                Map.entry("ailurus.security.bootstrap-user", "admin:" + ADMIN_PASSWORD),
                Map.entry("ailurus.security.sasl.session-lifetime", "3s"),
                Map.entry("ailurus.security.handshake-timeout", "2s"),
                Map.entry("ailurus.security.tls-reload-interval", "1s"),
                Map.entry("ailurus.groups.initial-rebalance-delay", "0s"),
                Map.entry("ailurus.groups.offsets-topic-partitions", 4)));
        // The bootstrap user is created in the background once the controller answers.
        await("the bootstrap user admin can log in").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> canLogIn(SASL_SSL, SCRAM_256, "admin", ADMIN_PASSWORD));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ 1. users

    @Test
    @Order(1)
    void theBootstrapAdminCreatesAUserWhoProducesAndConsumesOverScramAndPlain() throws Exception {
        try (Admin admin = admin(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "alice-secret"))).all()
                    .get(20, TimeUnit.SECONDS);

            final UserScramCredentialsDescription alice = admin.describeUserScramCredentials(List.of("alice"))
                    .description("alice").get(20, TimeUnit.SECONDS);
            assertEquals("alice", alice.name());
            assertEquals(List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)), alice.credentialInfos());
            assertFalse(alice.toString().contains("alice-secret"), alice.toString());
            final Map<String, UserScramCredentialsDescription> everyone = admin.describeUserScramCredentials().all()
                    .get(20, TimeUnit.SECONDS);
            assertEquals(Set.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096)),
                    Set.copyOf(everyone.get("admin").credentialInfos()), "the bootstrap user has both mechanisms");
            assertTrue(everyone.values().stream().noneMatch(d -> d.toString().contains("secret")), everyone::toString);

            admin.createTopics(List.of(new NewTopic("alice-topic", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            grant(admin, "User:alice", ResourceType.TOPIC, "alice-topic",
                    AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE);
            grant(admin, "User:alice", ResourceType.GROUP, "alice-group", AclOperation.READ);
            final Collection<AclBinding> acls = admin.describeAcls(new AclBindingFilter(
                    org.apache.kafka.common.resource.ResourcePatternFilter.ANY,
                    new org.apache.kafka.common.acl.AccessControlEntryFilter("User:alice", null, AclOperation.ANY,
                            AclPermissionType.ANY))).values().get(20, TimeUnit.SECONDS);
            assertEquals(4, acls.size(), acls::toString);
        }
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));

        // SCRAM-SHA-512 over TLS: produce, then consume in her group and commit.
        produce(props(SASL_SSL, SCRAM_512, "alice", "alice-secret"), "alice-topic", "tls-", 5);
        try (KafkaConsumer<String, String> consumer = consumer(props(SASL_SSL, SCRAM_512, "alice", "alice-secret"),
                "group.id", "alice-group", "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of("alice-topic"));
            assertEquals(List.of("tls-0", "tls-1", "tls-2", "tls-3", "tls-4"), pollValues(consumer, 5));
            consumer.commitSync(Duration.ofSeconds(20));
        }

        // PLAIN over SASL_PLAINTEXT with the same password, checked against her SCRAM-SHA-512 credential.
        produce(props(SASL_PLAINTEXT, PLAIN, "alice", "alice-secret"), "alice-topic", "plain-", 3);
        try (KafkaConsumer<String, String> consumer = consumer(props(SASL_PLAINTEXT, PLAIN, "alice", "alice-secret"),
                "group.id", "alice-group", "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of("alice-topic"));
            assertEquals(List.of("plain-0", "plain-1", "plain-2"), pollValues(consumer, 3),
                    "the group resumes after the offsets committed over the other listener");
            consumer.commitSync(Duration.ofSeconds(20));
            final OffsetAndMetadata committed = consumer.committed(Set.of(new TopicPartition("alice-topic", 0)),
                    Duration.ofSeconds(20)).get(new TopicPartition("alice-topic", 0));
            assertEquals(8, committed.offset());
        }
    }

    // ------------------------------------------------------------------------------------------------ 2. credentials

    @Test
    @Order(2)
    void aDeletedCredentialNoLongerLogsInAndBadCredentialsAreRefused() throws Exception {
        try (Admin admin = admin(SASL_SSL, SCRAM_256, "admin", ADMIN_PASSWORD)) {
            upsert(admin, "bob", ScramMechanism.SCRAM_SHA_256, 4096, "bob-secret");
            assertTrue(canLogIn(SASL_SSL, SCRAM_256, "bob", "bob-secret"));

            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("bob",
                    ScramMechanism.SCRAM_SHA_256))).all().get(20, TimeUnit.SECONDS);
            await("bob's login fails").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertInstanceOf(SaslAuthenticationException.class,
                            loginFailure(SASL_SSL, SCRAM_256, "bob", "bob-secret")));

            final ExecutionException missing = assertThrows(ExecutionException.class,
                    () -> admin.describeUserScramCredentials(List.of("bob")).description("bob")
                            .get(20, TimeUnit.SECONDS));
            assertInstanceOf(ResourceNotFoundException.class, missing.getCause());
            final ExecutionException nobody = assertThrows(ExecutionException.class,
                    () -> admin.describeUserScramCredentials(List.of("nobody")).description("nobody")
                            .get(20, TimeUnit.SECONDS));
            assertInstanceOf(ResourceNotFoundException.class, nobody.getCause());
            // all() does not fail for users answered with RESOURCE_NOT_FOUND (kafka-clients lists them without
            // credentials); only the existing user has any.
            final Map<String, UserScramCredentialsDescription> some = admin.describeUserScramCredentials(
                    List.of("nobody", "admin", "bob")).all().get(20, TimeUnit.SECONDS);
            assertEquals(2, some.get("admin").credentialInfos().size());
            assertTrue(some.values().stream().filter(d -> !d.name().equals("admin"))
                    .allMatch(d -> d.credentialInfos().isEmpty()), some::toString);

            final ExecutionException weak = assertThrows(ExecutionException.class,
                    () -> admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("weak",
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 1000), "weak-secret"))).all()
                            .get(20, TimeUnit.SECONDS));
            assertInstanceOf(UnacceptableCredentialException.class, weak.getCause());
            final ExecutionException notStored = assertThrows(ExecutionException.class,
                    () -> admin.describeUserScramCredentials(List.of("weak")).description("weak")
                            .get(20, TimeUnit.SECONDS));
            assertInstanceOf(ResourceNotFoundException.class, notStored.getCause());
        }
    }

    // ------------------------------------------------------------------------------------------------ 3. wrong password

    @Test
    @Order(3)
    void aWrongPasswordFailsAndRepeatedFailuresAreAnsweredSlower() throws Exception {
        final Properties wrong = props(SASL_SSL, SCRAM_512, "admin", "not-the-password");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings(wrong, "max.block.ms", "15000"),
                new StringSerializer(), new StringSerializer())) {
            final Throwable failure = sendFailure(producer, new ProducerRecord<>("wrong-password", "x"));
            assertInstanceOf(SaslAuthenticationException.class, failure);
        }
        assertInstanceOf(SaslAuthenticationException.class,
                loginFailure(SASL_SSL, SCRAM_256, "admin", "not-the-password"));
        assertTrue(canLogIn(SASL_SSL, SCRAM_256, "admin", ADMIN_PASSWORD), "the right password still works");

        // Raw PLAIN attempts from an address of their own (127.0.0.2): 100, 200, 400, 800 ms.
        final InetAddress source = InetAddress.getByName("127.0.0.2");
        final List<Long> answerMs = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            try (Raw c = new Raw(source, port(SASL_PLAINTEXT))) {
                final SaslHandshakeResponse handshake = (SaslHandshakeResponse) c.roundTrip(handshake(PLAIN));
                assertEquals(Errors.NONE.code(), handshake.data().errorCode());
                final long started = System.nanoTime();
                final SaslAuthenticateResponse answer = (SaslAuthenticateResponse) c.roundTrip(
                        authenticate(plainToken("admin", "guess-" + attempt)));
                answerMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertEquals(Errors.SASL_AUTHENTICATION_FAILED.code(), answer.data().errorCode());
                assertTrue(c.closedByBroker(), "a failed authentication closes the connection after its answer");
            }
        }
        assertTrue(answerMs.get(3) >= 400, "4th failure answered after " + answerMs);
        assertTrue(answerMs.get(3) >= 2 * answerMs.get(0), "4th failure not clearly slower than the 1st: " + answerMs);
        assertTrue(canLogIn(SASL_PLAINTEXT, PLAIN, "admin", ADMIN_PASSWORD));
    }

    // ------------------------------------------------------------------------------------------------ 4. raw SASL

    @Test
    @Order(4)
    void beforeAuthenticationOnlyTheSaslExchangeIsServed() throws Exception {
        try (Raw c = new Raw(port(SASL_PLAINTEXT))) {
            final MetadataResponse metadata = (MetadataResponse) c.roundTrip(
                    new MetadataRequest.Builder(List.of("alice-topic"), false).build((short) 12));
            assertTrue(metadata.errorCounts().containsKey(Errors.ILLEGAL_SASL_STATE), metadata.errorCounts()::toString);
            assertEquals(34, metadata.data().topics().iterator().next().errorCode(), "ILLEGAL_SASL_STATE");
            assertTrue(metadata.data().topics().stream().allMatch(t -> t.partitions().isEmpty()));
            assertTrue(c.closedByBroker());
        }
        try (Raw c = new Raw(port(SASL_PLAINTEXT))) {
            final SaslAuthenticateResponse r = (SaslAuthenticateResponse) c.roundTrip(
                    authenticate(plainToken("admin", ADMIN_PASSWORD)));
            assertEquals(Errors.ILLEGAL_SASL_STATE.code(), r.data().errorCode());
            assertTrue(c.closedByBroker());
        }
        try (Raw c = new Raw(port(SASL_PLAINTEXT))) {
            final SaslHandshakeResponse r = (SaslHandshakeResponse) c.roundTrip(handshake("GSSAPI"));
            assertEquals(Errors.UNSUPPORTED_SASL_MECHANISM.code(), r.data().errorCode());
            assertEquals(33, r.data().errorCode());
            assertEquals(Set.of(SCRAM_256, SCRAM_512, PLAIN), Set.copyOf(r.data().mechanisms()));
            assertTrue(c.closedByBroker());
        }
        try (Raw c = new Raw(port(SASL_PLAINTEXT))) {
            // ApiVersions is served before authentication: kafka-clients asks it first.
            final ApiVersionsResponse versions = (ApiVersionsResponse) c.roundTrip(new ApiVersionsRequest.Builder().build());
            assertEquals(Errors.NONE.code(), versions.data().errorCode());
        }
        // A length prefix over 512 KiB before authentication: cut at once, not after the 2 s handshake timeout that
        // a broker waiting for (and buffering) the body would end with.
        for (final int size : new int[] {512 * 1024 + 1, 64 * 1024 * 1024}) {
            try (Raw c = new Raw(port(SASL_PLAINTEXT))) {
                final long started = System.nanoTime();
                c.sendRaw(ByteBuffer.allocate(4).putInt(size).array());
                assertTrue(c.closedByBroker(), "a " + size + "-byte frame before authentication");
                final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(ms < 1500, "closed after " + ms + " ms: the size was not refused up front");
            }
        }
        // Silence: closed by the handshake timeout (2 s).
        try (Raw c = new Raw(port(SASL_PLAINTEXT))) {
            final long started = System.nanoTime();
            assertTrue(c.closedByBroker(), "an idle unauthenticated connection is closed within 10 s");
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(ms >= 1500, "closed after " + ms + " ms, before the handshake timeout");
        }
        // Silence on a TLS listener (not even a ClientHello): closed by the same timeout.
        try (Raw c = new Raw(port(SASL_SSL))) {
            assertTrue(c.closedByBroker(), "an idle connection to the TLS listener is closed within 10 s");
        }
        assertTrue(canLogIn(SASL_PLAINTEXT, SCRAM_256, "admin", ADMIN_PASSWORD));
        assertTrue(canLogIn(SASL_SSL, PLAIN, "admin", ADMIN_PASSWORD));
    }

    // ------------------------------------------------------------------------------------------------ 5. TLS

    @Test
    @Order(5)
    void theSslListenerRequiresACertificateAndMapsItsSubjectToThePrincipal() throws Exception {
        final TestCertificates.ClientCert carol = certs.client("carol");
        try (Admin admin = admin(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD)) {
            admin.createTopics(List.of(new NewTopic("carol-topic", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            grant(admin, "User:carol", ResourceType.TOPIC, "carol-topic", AclOperation.READ, AclOperation.DESCRIBE);
        }
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        produce(props(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD), "carol-topic", "for-carol-", 3);

        // No client certificate: no metadata, ever.
        final Properties anonymous = sslProps(certs.clientSslConfigs());
        try (Admin noCert = Admin.create(settings(anonymous, "default.api.timeout.ms", "8000",
                "request.timeout.ms", "4000"))) {
            final ExecutionException e = assertThrows(ExecutionException.class,
                    () -> noCert.describeCluster().nodes().get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof SslAuthenticationException || e.getCause() instanceof TimeoutException,
                    "expected a TLS failure or a timeout, got " + e.getCause());
        }

        final Properties carolProps = sslProps(certs.clientSslConfigs(carol));
        // The principal is User:carol: she is no super user (cluster DESCRIBE refused), and once User:carol is
        // granted DESCRIBE on the cluster she sees exactly the ACLs bound to User:carol.
        try (Admin carolAdmin = Admin.create(carolProps)) {
            final ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> carolAdmin.describeAcls(AclBindingFilter.ANY).values().get(20, TimeUnit.SECONDS));
            assertInstanceOf(ClusterAuthorizationException.class, refused.getCause());
            try (Admin admin = admin(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD)) {
                grant(admin, "User:carol", ResourceType.CLUSTER, "kafka-cluster", AclOperation.DESCRIBE);
            }
            final AclBindingFilter carolsAcls = new AclBindingFilter(
                    org.apache.kafka.common.resource.ResourcePatternFilter.ANY,
                    new org.apache.kafka.common.acl.AccessControlEntryFilter("User:carol", null, AclOperation.ANY,
                            AclPermissionType.ANY));
            final Collection<AclBinding> seen = await("User:carol's cluster DESCRIBE applies")
                    .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> carolAdmin.describeAcls(carolsAcls).values().get(10, TimeUnit.SECONDS), b -> b.size() == 3);
            assertEquals(Set.of("carol-topic/READ", "carol-topic/DESCRIBE", "kafka-cluster/DESCRIBE"),
                    seen.stream().map(b -> b.pattern().name() + "/" + b.entry().operation()).collect(Collectors.toSet()));
        }

        try (KafkaConsumer<String, String> consumer = consumer(carolProps)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition("carol-topic", 0)), 3, Duration.ofSeconds(30));
            assertEquals(List.of("for-carol-0", "for-carol-1", "for-carol-2"),
                    records.stream().map(ConsumerRecord::value).toList());

            // Garbage at both TLS listeners closes those connections only: carol's open consumer goes on.
            final double closesBefore = metric(consumer.metrics(), "connection-close-total");
            final byte[] random = new byte[200];
            new Random(368).nextBytes(random);
            final byte[] http = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (final String listener : List.of(SSL, SASL_SSL)) {
                for (final byte[] garbage : List.of(random, http)) {
                    try (Raw c = new Raw(port(listener))) {
                        c.sendRaw(garbage);
                        assertTrue(c.closedByBroker(), listener + " keeps a connection that sent garbage");
                    }
                }
            }
            produce(props(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD), "carol-topic", "after-garbage-", 2);
            assertEquals(List.of("after-garbage-0", "after-garbage-1"), pollValues(consumer, 2));
            assertEquals(closesBefore, metric(consumer.metrics(), "connection-close-total"),
                    "carol's connections stayed open");
        }
        assertTrue(canLogIn(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD), "a good client still works");
    }

    // ------------------------------------------------------------------------------------------------ 6. KIP-368

    @Test
    @Order(6)
    void aConsumerReauthenticatesAndKeepsReceiving() throws Exception {
        try (Admin admin = admin(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD)) {
            admin.createTopics(List.of(new NewTopic("reauth-topic", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            upsert(admin, "rita", ScramMechanism.SCRAM_SHA_256, 4096, "rita-secret");
            grant(admin, "User:rita", ResourceType.TOPIC, "reauth-topic",
                    AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE);
        }
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        final Properties rita = props(SASL_SSL, SCRAM_256, "rita", "rita-secret");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings(rita, "linger.ms", "0",
                "delivery.timeout.ms", "30000"), new StringSerializer(), new StringSerializer());
                KafkaConsumer<String, String> consumer = consumer(rita)) {
            final TopicPartition tp = new TopicPartition("reauth-topic", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            producer.send(new ProducerRecord<>("reauth-topic", 0, null, "r-0")).get(20, TimeUnit.SECONDS);
            assertEquals(List.of("r-0"), pollValues(consumer, 1));
            final double closesBefore = metric(consumer.metrics(), "connection-close-total");

            final long started = System.nanoTime();
            final int[] sent = {1};
            final List<String> received = new ArrayList<>();
            final int[] sentAtFirstReauth = {-1};
            await("the consumer re-authenticates and keeps receiving for 8 s").atMost(Duration.ofSeconds(30))
                    .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
                        producer.send(new ProducerRecord<>("reauth-topic", 0, null, "r-" + sent[0]))
                                .get(20, TimeUnit.SECONDS);
                        sent[0]++;
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                        final double reauths = metric(consumer.metrics(), "successful-reauthentication-total");
                        if (reauths >= 1 && sentAtFirstReauth[0] < 0) {
                            sentAtFirstReauth[0] = sent[0];
                        }
                        return reauths >= 1 && System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(8)
                                && received.contains("r-" + (sentAtFirstReauth[0] + 1));
                    });
            assertEquals(0.0, metric(consumer.metrics(), "failed-reauthentication-total"));
            assertEquals(closesBefore, metric(consumer.metrics(), "connection-close-total"),
                    "the broker did not cut the consumer off");
            assertTrue(metric(producer.metrics(), "successful-reauthentication-total") >= 1);
            for (int i = 0; i < received.size(); i++) {
                assertEquals("r-" + (i + 1), received.get(i), "records arrive in order, none lost: " + received);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ 7. reload

    @Test
    @Order(100)
    void aReplacedKeystoreIsServedWithoutRestart() throws Exception {
        // A broken replacement is refused: the current keystore goes on serving through several reload checks.
        Files.writeString(liveKeystore, "not a PKCS12 keystore");
        await("the old certificate is still served").during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500)).until(() -> canLogIn(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD));

        final TestCertificates rotated = TestCertificates.create(dir.resolve("certs-rotated"));
        assertFalse(canLogInWith(rotated, SCRAM_512), "the new CA is not trusted before the swap");
        Files.copy(rotated.serverKeyStore(), liveKeystore, StandardCopyOption.REPLACE_EXISTING);

        await("a client trusting only the new CA connects").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> canLogInWith(rotated, SCRAM_512));
        final ExecutionException old = assertThrows(ExecutionException.class, () -> {
            try (Admin admin = admin(SASL_SSL, SCRAM_512, "admin", ADMIN_PASSWORD)) {
                admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
            }
        });
        assertInstanceOf(SslAuthenticationException.class, old.getCause());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static int port(final String listener) {
        return broker.node().kafkaPort(listener);
    }

    private static Properties base(final String listener) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap(listener));
        p.put("request.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "20000");
        p.put("max.block.ms", "20000");
        return p;
    }

    /** kafka-clients settings of a SASL client of {@code listener}, trusting the first CA. */
    private static Properties props(final String listener, final String mechanism, final String user,
            final String password) {
        return props(listener, mechanism, user, password, certs);
    }

    private static Properties props(final String listener, final String mechanism, final String user,
            final String password, final TestCertificates trust) {
        final Properties p = base(listener);
        p.put("security.protocol", listener);
        if (listener.equals(SASL_SSL)) {
            p.putAll(trust.clientSslConfigs());
        }
        p.put("sasl.mechanism", mechanism);
        final String module = mechanism.equals(PLAIN) ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        p.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return p;
    }

    private static Properties sslProps(final Map<String, Object> ssl) {
        final Properties p = base(SSL);
        p.put("security.protocol", SSL);
        p.putAll(ssl);
        return p;
    }

    private static Properties settings(final Properties p, final String... keyValues) {
        final Properties copy = new Properties();
        copy.putAll(p);
        for (int i = 0; i < keyValues.length; i += 2) {
            copy.put(keyValues[i], keyValues[i + 1]);
        }
        return copy;
    }

    private static Admin admin(final String listener, final String mechanism, final String user,
            final String password) {
        return Admin.create(props(listener, mechanism, user, password));
    }

    private static KafkaConsumer<String, String> consumer(final Properties p, final String... keyValues) {
        return new KafkaConsumer<>(settings(p, concat(keyValues, "enable.auto.commit", "false")),
                new StringDeserializer(), new StringDeserializer());
    }

    private static String[] concat(final String[] a, final String... b) {
        final String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void produce(final Properties p, final String topic, final String prefix, final int count)
            throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, prefix + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls until {@code count} values arrived (at most 30 s). */
    private static List<String> pollValues(final KafkaConsumer<String, String> consumer, final int count) {
        final List<String> values = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                    return values.size() >= count;
                });
        return values;
    }

    private static void grant(final Admin admin, final String principal, final ResourceType type, final String name,
            final AclOperation... operations) throws Exception {
        final List<AclBinding> bindings = new ArrayList<>();
        for (final AclOperation op : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
        admin.createAcls(bindings).all().get(20, TimeUnit.SECONDS);
    }

    /** Creates or replaces a user's credential and waits until that user can log in with it. */
    private static void upsert(final Admin admin, final String user, final ScramMechanism mechanism,
            final int iterations, final String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(mechanism, iterations), password))).all().get(20, TimeUnit.SECONDS);
        await(user + " can log in").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> canLogIn(SASL_SSL, mechanism.mechanismName(), user, password));
    }

    private static boolean canLogIn(final String listener, final String mechanism, final String user,
            final String password) {
        return loginFailure(listener, mechanism, user, password) == null;
    }

    /** Logs in with a fresh Admin and asks for the cluster id: null on success, else why it failed. */
    private static Throwable loginFailure(final String listener, final String mechanism, final String user,
            final String password) {
        return loginFailure(props(listener, mechanism, user, password));
    }

    private static boolean canLogInWith(final TestCertificates trust, final String mechanism) {
        return loginFailure(props(SASL_SSL, mechanism, "admin", ADMIN_PASSWORD, trust)) == null;
    }

    private static Throwable loginFailure(final Properties p) {
        try (Admin admin = Admin.create(p)) {
            assertNotNull(admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS));
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.TimeoutException e) {
            return e;
        }
    }

    /** Why a send failed: thrown by send() itself or by its future. */
    private static Throwable sendFailure(final KafkaProducer<String, String> producer,
            final ProducerRecord<String, String> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        return fail("the send succeeded");
    }

    /** The sum of a client's metrics with this name (its selector's counters). */
    private static double metric(final Map<MetricName, ? extends Metric> metrics, final String name) {
        return metrics.entrySet().stream().filter(e -> e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    private static AbstractRequest handshake(final String mechanism) {
        return new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism(mechanism))
                .build((short) 1);
    }

    private static AbstractRequest authenticate(final byte[] token) {
        return new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token))
                .build((short) 2);
    }

    private static byte[] plainToken(final String user, final String password) {
        return ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    /** A bare TCP connection speaking Kafka framing, optionally from a given loopback address. */
    private static final class Raw implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private int correlationId;

        Raw(final int port) throws IOException {
            this(null, port);
        }

        Raw(final InetAddress source, final int port) throws IOException {
            socket = new Socket();
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void sendRaw(final byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        AbstractResponse roundTrip(final AbstractRequest request) throws IOException {
            final RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "security-it",
                    ++correlationId);
            final ByteBuffer body = request.serializeWithHeader(header);
            final byte[] frame = new byte[body.remaining() + 4];
            ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
            sendRaw(frame);
            final int size = in.readInt();
            final byte[] response = new byte[size];
            in.readFully(response);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
        }

        /** True when the broker closed the connection (EOF or reset) within 10 s. */
        boolean closedByBroker() {
            try {
                while (in.read() >= 0) {
                    // drain whatever comes first (a TLS alert, say)
                }
                return true;
            } catch (EOFException e) {
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
