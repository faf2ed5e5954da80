package io.ailurus.broker;

import static io.ailurus.broker.SecuredBroker.SASL_PLAINTEXT;
import static io.ailurus.broker.SecuredBroker.SASL_SSL;
import static io.ailurus.broker.SecuredBroker.SCRAM_256;
import static io.ailurus.broker.SecuredBroker.SCRAM_512;
import static io.ailurus.broker.SecuredBroker.acl;
import static io.ailurus.broker.SecuredBroker.allow;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
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
 * Kafka's authorization as users of kafka-clients meet it, against one node with SASL_SSL and SASL_PLAINTEXT
 * listeners. {@code admin} is the super user; {@code alice} has prefixed ACLs on {@code alice-} topics and groups, the
 * transactional id {@code alice-tx} and a DENY on reading {@code alice-secret}; {@code mallory} starts with no ACL at
 * all and later gets READ on one topic and one group. Every refusal is asserted as the exception type a Kafka broker's
 * error code makes kafka-clients throw; every allowed operation by what it returns or reads.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthorizationIT {

    private static final String ALICE_PASSWORD = "alice-pw";
    private static final String MALLORY_PASSWORD = "mallory-pw";
    private static final Set<String> ALL_TOPICS = Set.of("alice-orders", "alice-secret", "alice-txn", "bob-orders",
            "public-news");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    static SecuredBroker secured;

    @BeforeAll
    static void start() throws Exception {
        secured = SecuredBroker.start(dir);
        secured.upsertUser("alice", ALICE_PASSWORD, ScramMechanism.SCRAM_SHA_512);
        secured.upsertUser("mallory", MALLORY_PASSWORD, ScramMechanism.SCRAM_SHA_256);
        try (Admin admin = secured.admin()) {
            admin.createTopics(ALL_TOPICS.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all()
                    .get(20, TimeUnit.SECONDS);
            final List<AclBinding> acls = new ArrayList<>();
            acls.addAll(allow("User:alice", ResourceType.TOPIC, "alice-", PatternType.PREFIXED,
                    AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE));
            acls.addAll(allow("User:alice", ResourceType.GROUP, "alice-", PatternType.PREFIXED, AclOperation.READ));
            acls.addAll(allow("User:alice", ResourceType.TRANSACTIONAL_ID, "alice-tx", PatternType.LITERAL,
                    AclOperation.WRITE, AclOperation.DESCRIBE));
            acls.add(acl("User:alice", ResourceType.TOPIC, "alice-secret", PatternType.LITERAL, AclOperation.READ,
                    AclPermissionType.DENY));
            admin.createAcls(acls).all().get(20, TimeUnit.SECONDS);
        }
        secured.broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        final Properties admin = adminProps();
        produce(admin, "bob-orders", "bob-", 3);
        produce(admin, "alice-secret", "secret-", 2);
        produce(admin, "public-news", "news-", 3);
        // alice's ACLs apply once this node's controller image has them.
        await("alice's ACLs apply").atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> listTopics(alice()).size() == 3);
    }

    @AfterAll
    static void stop() {
        if (secured != null) {
            secured.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ alice

    @Test
    @Order(1)
    void aliceUsesHerPrefixedTopicsGroupsAndTransactionalIdAndNothingElse() throws Exception {
        assertEquals(Set.of("alice-orders", "alice-secret", "alice-txn"), listTopics(alice()),
                "alice lists only the topics she may describe");
        assertEquals(ALL_TOPICS, listTopics(adminProps()));

        // Produce (idempotent, the default: WRITE on some topic is enough for a producer id) and consume in her group
        // over both listeners.
        produce(alice(), "alice-orders", "order-", 5);
        final TopicPartition orders = new TopicPartition("alice-orders", 0);
        try (KafkaConsumer<String, String> consumer = consumer(alice(), "group.id", "alice-g",
                "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of("alice-orders"));
            assertEquals(List.of("order-0", "order-1", "order-2", "order-3", "order-4"), pollValues(consumer, 5));
            consumer.commitSync(WAIT);
            assertEquals(5, consumer.committed(Set.of(orders), WAIT).get(orders).offset());
        }
        final Properties alicePlain = secured.props(SASL_PLAINTEXT, SCRAM_512, "alice", ALICE_PASSWORD);
        produce(alicePlain, "alice-orders", "order-", 5, 3);
        try (KafkaConsumer<String, String> consumer = consumer(alicePlain, "group.id", "alice-g",
                "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of("alice-orders"));
            assertEquals(List.of("order-5", "order-6", "order-7"), pollValues(consumer, 3),
                    "the group resumes at its committed offset");

            // A transaction with alice-tx: what she read goes to alice-txn and the group's offset moves with it.
            try (KafkaProducer<String, String> tx = producer(alice(), "transactional.id", "alice-tx")) {
                tx.initTransactions();
                tx.beginTransaction();
                for (final String v : List.of("order-5", "order-6", "order-7")) {
                    tx.send(new ProducerRecord<>("alice-txn", "shipped-" + v));
                }
                tx.sendOffsetsToTransaction(Map.of(orders, new OffsetAndMetadata(8)), consumer.groupMetadata());
                tx.commitTransaction();

                tx.beginTransaction();
                tx.send(new ProducerRecord<>("alice-txn", "aborted"));
                tx.flush();
                tx.abortTransaction();

                tx.beginTransaction();
                tx.send(new ProducerRecord<>("alice-txn", "last"));
                tx.commitTransaction();
            }
            await("the transaction's offset is the group's").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> consumer.committed(Set.of(orders), WAIT).get(orders).offset() == 8);
        }
        try (KafkaConsumer<String, String> readCommitted = consumer(alice(), "isolation.level", "read_committed")) {
            assertEquals(List.of("shipped-order-5", "shipped-order-6", "shipped-order-7", "last"),
                    values(Clients.readFromStart(readCommitted, List.of(new TopicPartition("alice-txn", 0)), 4, WAIT)),
                    "read_committed: the committed records, the aborted one skipped");
        }

        // Another transactional id is not hers.
        assertInstanceOf(TransactionalIdAuthorizationException.class, initTransactionsFailure(alice(), "alice-tx-2"));

        // bob's topic: neither writable nor readable, and no group of his.
        assertInstanceOf(TopicAuthorizationException.class, sendFailure(alice(), "bob-orders"));
        assertInstanceOf(TopicAuthorizationException.class, assignedPollFailure(alice(), "bob-orders"));
        assertInstanceOf(GroupAuthorizationException.class, groupPollFailure(alice(), "alice-orders", "bob-g"));

        // alice-secret: the DENY on READ beats her prefixed ALLOW; her WRITE and DESCRIBE there still stand.
        assertInstanceOf(TopicAuthorizationException.class, assignedPollFailure(alice(), "alice-secret"));
        assertInstanceOf(TopicAuthorizationException.class, groupPollFailure(alice(), "alice-secret", "alice-g2"));
        produce(alice(), "alice-secret", "from-alice-", 1);
        try (Admin a = Admin.create(alice())) {
            assertEquals(1, a.describeTopics(List.of("alice-secret")).allTopicNames().get(20, TimeUnit.SECONDS)
                    .get("alice-secret").partitions().size());
        }
    }

    // ------------------------------------------------------------------------------------------------ mallory

    @Test
    @Order(2)
    void malloryWithoutAnyAclIsRefusedEverythingWithKafkasErrors() throws Exception {
        final Properties mallory = mallory();
        try (Admin m = Admin.create(mallory)) {
            assertEquals(Set.of(), m.listTopics().names().get(20, TimeUnit.SECONDS),
                    "no topic is listed although " + ALL_TOPICS + " exist");
            assertInstanceOf(TopicAuthorizationException.class,
                    failure(m.describeTopics(List.of("alice-orders")).allTopicNames()));
            assertInstanceOf(TopicAuthorizationException.class,
                    failure(m.describeTopics(List.of("no-such-topic")).allTopicNames()),
                    "a topic that does not exist is refused the same way: names do not leak");
            assertInstanceOf(TopicAuthorizationException.class,
                    failure(m.createTopics(List.of(new NewTopic("mallory-new", 1, (short) 1))).all()));
            assertInstanceOf(TopicAuthorizationException.class, failure(m.deleteTopics(List.of("bob-orders")).all()));
            assertInstanceOf(TopicAuthorizationException.class, failure(m.describeConfigs(
                    List.of(new ConfigResource(ConfigResource.Type.TOPIC, "alice-orders"))).all()));
            assertInstanceOf(TopicAuthorizationException.class, failure(m.incrementalAlterConfigs(Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, "alice-orders"), List.of(new AlterConfigOp(
                            new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all()));
            assertInstanceOf(ClusterAuthorizationException.class, failure(m.describeConfigs(
                    List.of(new ConfigResource(ConfigResource.Type.BROKER, nodeId()))).all()));
            assertInstanceOf(ClusterAuthorizationException.class, failure(m.createAcls(allow("User:mallory",
                    ResourceType.TOPIC, "*", PatternType.LITERAL, AclOperation.ALL)).all()));
            assertInstanceOf(ClusterAuthorizationException.class, failure(m.describeAcls(AclBindingFilter.ANY).values()));
            assertInstanceOf(ClusterAuthorizationException.class,
                    failure(m.deleteAcls(List.of(AclBindingFilter.ANY)).all()));
            assertInstanceOf(ClusterAuthorizationException.class, failure(m.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("mallory-2", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "pw"))).all()));
            assertInstanceOf(ClusterAuthorizationException.class, failure(m.describeUserScramCredentials().all()));
            assertInstanceOf(ClusterAuthorizationException.class,
                    failure(m.describeClientQuotas(ClientQuotaFilter.all()).entities()));
        }
        // Nothing she tried happened.
        try (Admin admin = secured.admin()) {
            final Set<String> topics = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            assertTrue(topics.contains("bob-orders") && !topics.contains("mallory-new"), topics::toString);
            assertEquals(Set.of(), Set.copyOf(admin.describeAcls(principalAcls("User:mallory")).values()
                    .get(20, TimeUnit.SECONDS)));
            assertFalse(admin.describeUserScramCredentials().all().get(20, TimeUnit.SECONDS).containsKey("mallory-2"));
            final String retention = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    "alice-orders"))).all().get(20, TimeUnit.SECONDS).values().iterator().next().get("retention.ms")
                    .value();
            assertFalse(retention.equals("1000"), "retention.ms was altered");
        }

        assertInstanceOf(TopicAuthorizationException.class, sendFailure(mallory, "alice-orders"));
        // A consumer in a group she may not use: refused at the coordinator lookup.
        try (KafkaConsumer<String, String> consumer = consumer(mallory, "group.id", "mallory-g")) {
            final TopicPartition orders = new TopicPartition("alice-orders", 0);
            assertInstanceOf(GroupAuthorizationException.class, assertThrows(RuntimeException.class,
                    () -> consumer.committed(Set.of(orders), WAIT)));
        }
        // Subscribed to a topic she may not describe, in a group she may not use: both answers are refusals, and
        // kafka-clients throws whichever it handles first (the topic's when the metadata answer comes in the same
        // poll as the coordinator's), with a Kafka broker too.
        final Throwable both = groupPollFailure(mallory, "alice-orders", "mallory-g");
        assertTrue(both instanceof TopicAuthorizationException || both instanceof GroupAuthorizationException,
                () -> "expected a topic or group authorization failure, got " + both);
        assertInstanceOf(TopicAuthorizationException.class, assignedPollFailure(mallory, "alice-orders"));
        assertInstanceOf(TransactionalIdAuthorizationException.class, initTransactionsFailure(mallory, "mallory-tx"));
        assertInstanceOf(TransactionalIdAuthorizationException.class, initTransactionsFailure(mallory, "alice-tx"));
    }

    @Test
    @Order(3)
    void malloryWithReadOnOneTopicAndOneGroupReadsThereOnly() throws Exception {
        try (Admin admin = secured.admin()) {
            final List<AclBinding> acls = new ArrayList<>();
            acls.addAll(allow("User:mallory", ResourceType.TOPIC, "public-news", PatternType.LITERAL,
                    AclOperation.READ));
            acls.addAll(allow("User:mallory", ResourceType.GROUP, "mallory-g", PatternType.LITERAL,
                    AclOperation.READ));
            admin.createAcls(acls).all().get(20, TimeUnit.SECONDS);
        }
        final Properties mallory = mallory();
        await("mallory's READ applies (and implies DESCRIBE)").atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> listTopics(mallory).equals(Set.of("public-news")));

        // The idempotent producer (kafka-clients' default) needs IDEMPOTENT_WRITE or WRITE on some topic: she has
        // neither. Without idempotence the Produce request itself is refused.
        final Throwable idempotent = sendFailure(mallory, "public-news", "enable.idempotence", "true");
        assertInstanceOf(ClusterAuthorizationException.class, idempotent);
        assertInstanceOf(TopicAuthorizationException.class, sendFailure(mallory, "public-news"));

        assertInstanceOf(GroupAuthorizationException.class, groupPollFailure(mallory, "public-news", "mallory-other"));
        assertInstanceOf(TopicAuthorizationException.class, groupPollFailure(mallory, "alice-orders", "mallory-g"));
        try (KafkaConsumer<String, String> consumer = consumer(mallory, "group.id", "mallory-g",
                "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of("public-news"));
            assertEquals(List.of("news-0", "news-1", "news-2"), pollValues(consumer, 3));
            consumer.commitSync(WAIT);
        }
        try (Admin m = Admin.create(mallory); Admin admin = secured.admin()) {
            assertEquals(Set.of("mallory-g"), groupIds(m), "mallory lists only the groups she may describe");
            final Set<String> all = groupIds(admin);
            assertTrue(all.containsAll(Set.of("mallory-g", "alice-g")), all::toString);
            assertInstanceOf(GroupAuthorizationException.class,
                    failure(m.listConsumerGroupOffsets("alice-g").partitionsToOffsetAndMetadata()));
        }
    }

    // ------------------------------------------------------------------------------------------------ deleting ACLs

    @Test
    @Order(4)
    void deletingAlicesTopicAclsStopsHerOpenConsumer() throws Exception {
        final Properties alice = alice();
        try (KafkaConsumer<String, String> consumer = consumer(alice)) {
            final TopicPartition orders = new TopicPartition("alice-orders", 0);
            assertEquals(8, Clients.readFromStart(consumer, List.of(orders), 8, WAIT).size());

            final Collection<AclBinding> deleted;
            try (Admin admin = secured.admin()) {
                deleted = admin.deleteAcls(List.of(new AclBindingFilter(
                        new ResourcePatternFilter(ResourceType.TOPIC, "alice-", PatternType.PREFIXED),
                        new AccessControlEntryFilter("User:alice", null, AclOperation.ANY, AclPermissionType.ALLOW))))
                        .all().get(20, TimeUnit.SECONDS);
                assertEquals(Set.of(AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE),
                        deleted.stream().map(b -> b.entry().operation()).collect(Collectors.toSet()));
                assertEquals(3, deleted.size());
                final Set<String> remaining = admin.describeAcls(principalAcls("User:alice")).values()
                        .get(20, TimeUnit.SECONDS).stream()
                        .map(b -> b.pattern().resourceType() + ":" + b.pattern().name() + ":" + b.entry().operation()
                                + ":" + b.entry().permissionType())
                        .collect(Collectors.toSet());
                assertEquals(Set.of("GROUP:alice-:READ:ALLOW", "TRANSACTIONAL_ID:alice-tx:WRITE:ALLOW",
                        "TRANSACTIONAL_ID:alice-tx:DESCRIBE:ALLOW", "TOPIC:alice-secret:READ:DENY"), remaining);
            }

            // Her open consumer's next fetches are refused once the deletion reaches the node.
            final Throwable refused = await("alice's consumer is refused").atMost(WAIT).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
                        try {
                            consumer.poll(Duration.ofMillis(200));
                            return null;
                        } catch (RuntimeException e) {
                            return e;
                        }
                    }, e -> e != null);
            assertInstanceOf(TopicAuthorizationException.class, refused);
        }
        assertEquals(Set.of(), listTopics(alice));
        assertInstanceOf(TopicAuthorizationException.class, groupPollFailure(alice, "alice-orders", "alice-g"));
        assertInstanceOf(TopicAuthorizationException.class, sendFailure(alice, "alice-orders"));
    }

    // ------------------------------------------------------------------------------------------------ super user

    @Test
    @Order(5)
    void theSuperUserMayDoEverything() throws Exception {
        final Properties admin = adminProps();
        assertEquals(ALL_TOPICS, listTopics(admin));
        try (KafkaConsumer<String, String> consumer = consumer(admin)) {
            assertEquals(List.of("secret-0", "secret-1", "from-alice-0"), values(Clients.readFromStart(consumer,
                    List.of(new TopicPartition("alice-secret", 0)), 3, WAIT)), "a DENY for alice is none for admin");
        }
        produce(admin, "bob-orders", "bob-", 3, 1);
        try (Admin a = Admin.create(admin)) {
            assertEquals(Map.of(new TopicPartition("alice-orders", 0), 8L), a.listConsumerGroupOffsets("alice-g")
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())), "alice-g's offsets");
        }
        try (KafkaProducer<String, String> tx = producer(admin, "transactional.id", "mallory-tx")) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>("public-news", "news-3"));
            tx.commitTransaction();
        }
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic("admin-made", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "admin-made");
            a.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry("retention.ms",
                    "3600000"), AlterConfigOp.OpType.SET)))).all().get(20, TimeUnit.SECONDS);
            assertEquals("3600000", a.describeConfigs(List.of(topic)).all().get(20, TimeUnit.SECONDS).get(topic)
                    .get("retention.ms").value());
            assertFalse(a.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, nodeId()))).all()
                    .get(20, TimeUnit.SECONDS).values().iterator().next().entries().isEmpty());
            assertTrue(a.describeAcls(AclBindingFilter.ANY).values().get(20, TimeUnit.SECONDS).size() >= 6);
            assertTrue(a.describeUserScramCredentials().all().get(20, TimeUnit.SECONDS).keySet()
                    .containsAll(Set.of("admin", "alice", "mallory")));
            assertEquals(Map.of(), a.describeClientQuotas(ClientQuotaFilter.all()).entities().get(20, TimeUnit.SECONDS),
                    "no client quotas");
            a.deleteTopics(List.of("admin-made")).all().get(20, TimeUnit.SECONDS);
            await("admin-made is gone").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> !a.listTopics().names().get(20, TimeUnit.SECONDS).contains("admin-made"));
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Properties alice() {
        return secured.props(SASL_SSL, SCRAM_512, "alice", ALICE_PASSWORD);
    }

    private static Properties mallory() {
        return secured.props(SASL_SSL, SCRAM_256, "mallory", MALLORY_PASSWORD);
    }

    private static Properties adminProps() {
        return secured.props(SASL_SSL, SCRAM_512, SecuredBroker.ADMIN, SecuredBroker.ADMIN_PASSWORD);
    }

    private static String nodeId() throws Exception {
        try (Admin admin = secured.admin()) {
            return admin.describeCluster().nodes().get(20, TimeUnit.SECONDS).iterator().next().idString();
        }
    }

    private static AclBindingFilter principalAcls(final String principal) {
        return new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
    }

    private static Properties with(final Properties p, final String... keyValues) {
        final Properties copy = new Properties();
        copy.putAll(p);
        for (int i = 0; i < keyValues.length; i += 2) {
            copy.put(keyValues[i], keyValues[i + 1]);
        }
        return copy;
    }

    private static KafkaProducer<String, String> producer(final Properties p, final String... keyValues) {
        return new KafkaProducer<>(with(with(p, "delivery.timeout.ms", "30000", "linger.ms", "0"), keyValues),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(final Properties p, final String... keyValues) {
        return new KafkaConsumer<>(with(with(p, "enable.auto.commit", "false"), keyValues),
                new StringDeserializer(), new StringDeserializer());
    }

    private static void produce(final Properties p, final String topic, final String prefix, final int count)
            throws Exception {
        produce(p, topic, prefix, 0, count);
    }

    private static void produce(final Properties p, final String topic, final String prefix, final int first,
            final int count) throws Exception {
        try (KafkaProducer<String, String> producer = producer(p)) {
            for (int i = first; i < first + count; i++) {
                producer.send(new ProducerRecord<>(topic, prefix + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Set<String> listTopics(final Properties p) throws Exception {
        try (Admin admin = Admin.create(p)) {
            return admin.listTopics().names().get(20, TimeUnit.SECONDS);
        }
    }

    private static Set<String> groupIds(final Admin admin) throws Exception {
        return admin.listGroups().all().get(20, TimeUnit.SECONDS).stream().map(GroupListing::groupId)
                .collect(Collectors.toSet());
    }

    private static List<String> values(final List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
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

    /** Why an admin call failed; fails the test if it succeeded. */
    private static Throwable failure(final KafkaFuture<?> future) throws Exception {
        try {
            future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("the call succeeded");
    }

    /**
     * Why a send of one record failed (from send() or its future), with idempotence off unless the settings say
     * otherwise, so that the Produce request itself is what is refused.
     */
    private static Throwable sendFailure(final Properties p, final String topic, final String... keyValues) {
        try (KafkaProducer<String, String> producer = producer(with(p, "enable.idempotence", "false", "acks", "all"),
                keyValues)) {
            producer.send(new ProducerRecord<>(topic, "x")).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        return fail("the send to " + topic + " succeeded");
    }

    private static Throwable initTransactionsFailure(final Properties p, final String transactionalId) {
        try (KafkaProducer<String, String> producer = producer(p, "transactional.id", transactionalId)) {
            producer.initTransactions();
        } catch (RuntimeException e) {
            return e;
        }
        return fail("initTransactions for " + transactionalId + " succeeded");
    }

    /** What a consumer in {@code group} subscribed to {@code topic} throws from poll (within 20 s). */
    private static Throwable groupPollFailure(final Properties p, final String topic, final String group) {
        try (KafkaConsumer<String, String> consumer = consumer(p, "group.id", group, "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of(topic));
            return pollFailure(consumer);
        }
    }

    /** What a consumer without a group, assigned partition 0 of {@code topic}, throws from poll (within 20 s). */
    private static Throwable assignedPollFailure(final Properties p, final String topic) {
        try (KafkaConsumer<String, String> consumer = consumer(p, "auto.offset.reset", "earliest")) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            return pollFailure(consumer);
        }
    }

    private static Throwable pollFailure(final KafkaConsumer<String, String> consumer) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        final List<String> read = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            try {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
            } catch (RuntimeException e) {
                assertEquals(List.of(), read, "records were read before the refusal");
                return e;
            }
        }
        return fail("poll did not fail within " + WAIT + "; read " + read);
    }
}
