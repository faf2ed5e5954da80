package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin APIs through kafka-clients' {@link Admin}, checked by what a user then sees. */
@Timeout(180)
class AdminApiIT {

    private static final String DEFAULT_RETENTION_MS = Long.toString(7 * 24 * 3600 * 1000L);

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A new client each time: a test may restart the broker, which then listens on another port. */
    private static Admin admin() {
        return Admin.create(broker.clientProperties());
    }

    /** The cause of the future's failure; fails when it succeeds. */
    private static Throwable failure(final KafkaFuture<?> future) {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    private static void create(final Admin admin, final String topic, final int partitions,
            final Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get();
    }

    private static Config configs(final Admin admin, final String topic) throws Exception {
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private static void assertConfig(final Config config, final String name, final String value, final ConfigSource source) {
        final ConfigEntry entry = config.get(name);
        assertTrue(entry != null, name + " is described");
        assertEquals(value, entry.value(), name);
        assertEquals(source, entry.source(), "source of " + name);
    }

    private static void alter(final Admin admin, final String topic, final AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(ops)))
                .all().get();
    }

    private static AlterConfigOp set(final String name, final String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    private static AlterConfigOp delete(final String name) {
        return new AlterConfigOp(new ConfigEntry(name, null), AlterConfigOp.OpType.DELETE);
    }

    private static ListOffsetsResultInfo offset(final Admin admin, final TopicPartition tp, final OffsetSpec spec)
            throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get();
    }

    private static TopicDescription describe(final Admin admin, final String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    /**
     * The topic's description once every partition has a leader. CreateTopics answers when the topic is committed;
     * its partitions start just after (as in Kafka, where brokers learn of a new topic shortly after the controller),
     * and meanwhile Metadata reports them without a leader (LEADER_NOT_AVAILABLE).
     */
    private static TopicDescription describeOnceLed(final Admin admin, final String topic) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            final TopicDescription d = describe(admin, topic);
            if (d.partitions().stream().allMatch(p -> p.leader() != null) || System.nanoTime() > deadline) {
                return d;
            }
            Thread.sleep(20);
        }
    }

    private static List<Long> sendAll(final KafkaProducer<String, String> producer,
            final List<ProducerRecord<String, String>> records) throws Exception {
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (final ProducerRecord<String, String> r : records) {
            sent.add(producer.send(r));
        }
        final List<Long> offsets = new ArrayList<>();
        for (final Future<RecordMetadata> f : sent) {
            offsets.add(f.get().offset());
        }
        return offsets;
    }

    // ------------------------------------------------------------------------------------------------ topics

    @Test
    void createdTopicsAreListedAndDescribed() throws Exception {
        try (Admin admin = admin()) {
            final CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1)
                    .configs(Map.of("retention.ms", "3600000", "segment.bytes", "1048576"))));
            created.all().get();
            final Uuid id = created.topicId("orders").get();
            assertNotEquals(Uuid.ZERO_UUID, id);
            assertEquals(3, created.numPartitions("orders").get());
            assertEquals(1, created.replicationFactor("orders").get());
            assertEquals("3600000", created.config("orders").get().get("retention.ms").value());

            assertTrue(admin.listTopics().names().get().contains("orders"));

            final TopicDescription byName = describeOnceLed(admin, "orders");
            assertEquals(id, byName.topicId());
            assertFalse(byName.isInternal());
            assertEquals(3, byName.partitions().size());
            for (int p = 0; p < 3; p++) {
                final TopicPartitionInfo info = byName.partitions().get(p);
                assertEquals(p, info.partition());
                assertTrue(info.leader() != null, "partition " + p + " has a leader");
                assertEquals(1, info.leader().id());
                assertEquals(List.of(1), info.replicas().stream().map(Node::id).toList());
                assertEquals(List.of(1), info.isr().stream().map(Node::id).toList());
            }

            final Config config = configs(admin, "orders");
            assertConfig(config, "retention.ms", "3600000", ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertConfig(config, "segment.bytes", "1048576", ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertConfig(config, "cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG);
        }
    }

    @Test
    void describeTopicsByIdFindsTheTopic() throws Exception {
        try (Admin admin = admin()) {
            final CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("by-id", 2, (short) 1)));
            final Uuid id = created.topicId("by-id").get();
            describeOnceLed(admin, "by-id");
            // Admin asks Metadata v12+ for the id, with the topic name left at its default ("", not null).
            final TopicDescription byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(id)))
                    .allTopicIds().get().get(id);
            assertEquals("by-id", byId.name());
            assertEquals(id, byId.topicId());
            assertEquals(2, byId.partitions().size());
            final Uuid unknown = Uuid.randomUuid();
            assertInstanceOf(org.apache.kafka.common.errors.UnknownTopicIdException.class,
                    failure(admin.describeTopics(TopicCollection.ofTopicIds(List.of(unknown))).allTopicIds()));
        }
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        try (Admin admin = admin()) {
            final CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true);
            admin.createTopics(List.of(new NewTopic("dry-run", 2, (short) 1).configs(Map.of("retention.ms", "1000"))),
                    validateOnly).all().get();
            assertFalse(admin.listTopics().names().get().contains("dry-run"));
            assertInstanceOf(UnknownTopicOrPartitionException.class,
                    failure(admin.describeTopics(List.of("dry-run")).allTopicNames()));
            // Validation is still done.
            assertInstanceOf(InvalidConfigurationException.class, failure(admin.createTopics(
                    List.of(new NewTopic("dry-run", 2, (short) 1).configs(Map.of("retention.ms", "soon"))),
                    validateOnly).all()));
            // And the name is still free.
            create(admin, "dry-run", 2, Map.of());
            assertEquals(2, describe(admin, "dry-run").partitions().size());
        }
    }

    @Test
    void creatingAnExistingTopicFailsAndLeavesItAlone() throws Exception {
        try (Admin admin = admin()) {
            create(admin, "twice", 2, Map.of());
            final Uuid id = describe(admin, "twice").topicId();
            assertInstanceOf(TopicExistsException.class, failure(admin.createTopics(
                    List.of(new NewTopic("twice", 5, (short) 1).configs(Map.of("retention.ms", "1")))).all()));
            final TopicDescription after = describe(admin, "twice");
            assertEquals(id, after.topicId());
            assertEquals(2, after.partitions().size());
            assertConfig(configs(admin, "twice"), "retention.ms", DEFAULT_RETENTION_MS, ConfigSource.DEFAULT_CONFIG);
        }
    }

    @Test
    void invalidTopicNamesAreRejected() throws Exception {
        try (Admin admin = admin()) {
            for (final String name : List.of("bad name!", "..", ".", "x".repeat(250))) {
                assertInstanceOf(InvalidTopicException.class,
                        failure(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all()), name);
            }
            final Collection<String> names = admin.listTopics().names().get();
            assertFalse(names.contains("bad name!"));
            assertFalse(names.contains(".."));
            assertFalse(names.contains("x".repeat(250)));
            // The longest legal name works.
            create(admin, "y".repeat(249), 1, Map.of());
            assertTrue(admin.listTopics().names().get().contains("y".repeat(249)));
        }
    }

    @Test
    void invalidConfigsAreRejectedAndCreateNothing() throws Exception {
        try (Admin admin = admin()) {
            final List<Map<String, String>> invalid = List.of(
                    Map.of("no.such.config", "1"),
                    Map.of("retention.ms", "abc"),
                    Map.of("cleanup.policy", "shred"),
                    Map.of("cleanup.policy", "compact", "remote.storage.enable", "true"));
            for (final Map<String, String> configs : invalid) {
                assertInstanceOf(InvalidConfigurationException.class, failure(admin.createTopics(
                        List.of(new NewTopic("misconfigured", 1, (short) 1).configs(configs))).all()),
                        configs.toString());
            }
            assertFalse(admin.listTopics().names().get().contains("misconfigured"));
        }
    }

    @Test
    void aReplicationFactorAboveTheNodeCountIsRejected() throws Exception {
        try (Admin admin = admin()) {
            assertInstanceOf(InvalidReplicationFactorException.class,
                    failure(admin.createTopics(List.of(new NewTopic("three-copies", 1, (short) 3))).all()));
            assertFalse(admin.listTopics().names().get().contains("three-copies"));
        }
    }

    // ------------------------------------------------------------------------------------------------ configs

    @Test
    void incrementalAlterConfigsSetsAndDeletesAndTheChangeTakesEffect() throws Exception {
        try (Admin admin = admin()) {
            create(admin, "tuned", 1, Map.of());
            assertConfig(configs(admin, "tuned"), "retention.ms", DEFAULT_RETENTION_MS, ConfigSource.DEFAULT_CONFIG);

            alter(admin, "tuned", set("retention.ms", "86400000"));
            assertConfig(configs(admin, "tuned"), "retention.ms", "86400000", ConfigSource.DYNAMIC_TOPIC_CONFIG);

            alter(admin, "tuned", delete("retention.ms"));
            assertConfig(configs(admin, "tuned"), "retention.ms", DEFAULT_RETENTION_MS, ConfigSource.DEFAULT_CONFIG);

            // A bad value is refused and changes nothing.
            assertInstanceOf(InvalidConfigurationException.class, failure(admin.incrementalAlterConfigs(Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, "tuned"), List.of(set("retention.ms", "abc")))).all()));
            assertConfig(configs(admin, "tuned"), "retention.ms", DEFAULT_RETENTION_MS, ConfigSource.DEFAULT_CONFIG);

            // The partition applies a change: records above the new max.message.bytes are refused.
            alter(admin, "tuned", set("max.message.bytes", "1000"));
            try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
                final ExecutionException e = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("tuned", 0, null, "x".repeat(5000))).get());
                assertInstanceOf(RecordTooLargeException.class, e.getCause());
                assertEquals(0, producer.send(new ProducerRecord<>("tuned", 0, null, "small")).get().offset());
            }
        }
    }

    @Test
    void legacyAlterConfigsReplacesEveryTopicConfig() throws Exception {
        // kafka-clients 4 dropped Admin.alterConfigs; the broker still serves the API, so send it by hand.
        try (Admin admin = admin()) {
            create(admin, "legacy", 1, Map.of("segment.ms", "3600000"));
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "legacy");
            final AlterConfigsRequest request = new AlterConfigsRequest.Builder(Map.of(resource,
                    new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("retention.ms", "5000")))),
                    false).build(ApiKeys.ALTER_CONFIGS.latestVersion());
            try (RawConnection c = new RawConnection(broker.node().kafkaPort())) {
                final AlterConfigsResponse response = (AlterConfigsResponse) c.roundTrip(request);
                assertEquals(Errors.NONE.code(), response.data().responses().get(0).errorCode());
            }
            final Config config = configs(admin, "legacy");
            assertConfig(config, "retention.ms", "5000", ConfigSource.DYNAMIC_TOPIC_CONFIG);
            // Left out of the request: back to its default.
            assertEquals(ConfigSource.DEFAULT_CONFIG, config.get("segment.ms").source());
            assertNotEquals("3600000", config.get("segment.ms").value());
        }
    }

    @Test
    void topicsConfigsAndTheClusterIdSurviveARestart() throws Exception {
        final Uuid topicId;
        final String clusterId;
        try (Admin admin = admin()) {
            create(admin, "persistent", 2, Map.of("retention.ms", "120000"));
            alter(admin, "persistent", set("segment.bytes", "2097152"));
            topicId = describe(admin, "persistent").topicId();
            clusterId = admin.describeCluster().clusterId().get();
        }
        broker.restart();
        try (Admin admin = admin()) {
            final Config config = configs(admin, "persistent");
            assertConfig(config, "retention.ms", "120000", ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertConfig(config, "segment.bytes", "2097152", ConfigSource.DYNAMIC_TOPIC_CONFIG);
            final TopicDescription description = describe(admin, "persistent");
            assertEquals(topicId, description.topicId());
            assertEquals(2, description.partitions().size());
            final DescribeClusterResult cluster = admin.describeCluster();
            assertEquals(clusterId, cluster.clusterId().get());
            assertEquals(broker.node().kafkaPort(), cluster.nodes().get().iterator().next().port());
        }
    }

    // ------------------------------------------------------------------------------------------------ partitions

    @Test
    void createPartitionsGrowsATopicAndTheNewPartitionsTakeRecords() throws Exception {
        try (Admin admin = admin()) {
            create(admin, "growing", 1, Map.of());
            admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4))).all().get();
            assertEquals(4, describe(admin, "growing").partitions().size());
            assertInstanceOf(InvalidPartitionsException.class,
                    failure(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(2))).all()));
            assertInstanceOf(UnknownTopicOrPartitionException.class,
                    failure(admin.createPartitions(Map.of("no-such-topic", NewPartitions.increaseTo(2))).all()));
        }
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            assertEquals(0, producer.send(new ProducerRecord<>("growing", 3, null, "in-partition-3")).get().offset());
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition("growing", 3)), 1, Duration.ofSeconds(30));
            assertEquals("in-partition-3", records.get(0).value());
            assertEquals(3, records.get(0).partition());
        }
    }

    @Test
    void aDeletedTopicIsGoneAndProducingRecreatesItEmptyWithANewId() throws Exception {
        final String topic = "doomed";
        try (Admin admin = admin(); KafkaProducer<String, String> producer = Clients.producer(broker)) {
            create(admin, topic, 1, Map.of("retention.ms", "600000"));
            final Uuid oldId = describe(admin, topic).topicId();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "old-" + i)).get();
            }
            admin.deleteTopics(List.of(topic)).all().get();
            assertFalse(admin.listTopics().names().get().contains(topic));
            assertInstanceOf(UnknownTopicOrPartitionException.class,
                    failure(admin.describeTopics(List.of(topic)).allTopicNames()));
            assertInstanceOf(UnknownTopicOrPartitionException.class,
                    failure(admin.deleteTopics(List.of(topic)).all()));

            // The same producer (which knew the old topic) sends again: the topic is auto-created, fresh and empty.
            assertEquals(0, producer.send(new ProducerRecord<>(topic, 0, null, "new")).get().offset());
            final TopicDescription recreated = describe(admin, topic);
            assertNotEquals(oldId, recreated.topicId());
            assertEquals(1, recreated.partitions().size());
            final TopicPartition tp = new TopicPartition(topic, 0);
            assertEquals(0, offset(admin, tp, OffsetSpec.earliest()).offset());
            assertEquals(1, offset(admin, tp, OffsetSpec.latest()).offset());
            // The deleted topic's configs went with it.
            assertConfig(configs(admin, topic), "retention.ms", DEFAULT_RETENTION_MS, ConfigSource.DEFAULT_CONFIG);
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer,
                    List.of(new TopicPartition(topic, 0)), 1, Duration.ofSeconds(30));
            assertEquals("new", records.get(0).value());
            assertEquals(0, records.get(0).offset());
        }
    }

    // ------------------------------------------------------------------------------------------------ cluster

    @Test
    void describeClusterShowsThisNodeAsTheOnlyBrokerAndTheController() throws Exception {
        try (Admin admin = admin()) {
            final DescribeClusterResult cluster = admin.describeCluster();
            final Collection<Node> nodes = cluster.nodes().get();
            assertEquals(1, nodes.size());
            final Node node = nodes.iterator().next();
            assertEquals(1, node.id());
            assertEquals("127.0.0.1", node.host());
            assertEquals(broker.node().kafkaPort(), node.port());
            assertEquals(1, cluster.controller().get().id());
            final String clusterId = cluster.clusterId().get();
            assertTrue(clusterId != null && !clusterId.isEmpty());
            assertEquals(clusterId, admin.describeCluster().clusterId().get());
        }
    }

    @Test
    void describeLogDirsReportsThePartitionSize() throws Exception {
        try (Admin admin = admin()) {
            create(admin, "sized", 2, Map.of());
            try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("sized", 0, null, "record-" + i)).get();
                }
            }
            final Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
            assertEquals(1, dirs.size());
            final LogDirDescription dir = dirs.values().iterator().next();
            assertNull(dir.error());
            final ReplicaInfo written = dir.replicaInfos().get(new TopicPartition("sized", 0));
            assertTrue(written != null && written.size() > 0, "partition 0 holds records: " + written);
            assertFalse(written.isFuture());
            final ReplicaInfo empty = dir.replicaInfos().get(new TopicPartition("sized", 1));
            assertTrue(empty != null, "partition 1 is described");
            assertTrue(written.size() > empty.size());
            assertTrue(dir.totalBytes().isPresent() && dir.totalBytes().getAsLong() > 0);
        }
    }

    // ------------------------------------------------------------------------------------------------ records

    @Test
    void deleteRecordsMovesTheStartOfThePartition() throws Exception {
        final String topic = "trimmed";
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = admin()) {
            create(admin, topic, 1, Map.of());
            try (KafkaProducer<String, String> producer = Clients.producer(broker, "linger.ms", 50)) {
                final List<ProducerRecord<String, String>> records = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    records.add(new ProducerRecord<>(topic, 0, null, "v" + i));
                }
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), sendAll(producer, records));
            }
            assertEquals(4, admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp)
                    .get().lowWatermark());
            assertEquals(4, offset(admin, tp, OffsetSpec.earliest()).offset());
            assertEquals(10, offset(admin, tp, OffsetSpec.latest()).offset());
            // Deleting below the start again changes nothing.
            assertEquals(4, admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).lowWatermarks().get(tp)
                    .get().lowWatermark());
            // Beyond the high watermark is out of range.
            assertInstanceOf(OffsetOutOfRangeException.class,
                    failure(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(11))).all()));
            assertEquals(4, offset(admin, tp, OffsetSpec.earliest()).offset());
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer, List.of(tp), 6,
                    Duration.ofSeconds(30));
            for (int i = 0; i < 6; i++) {
                assertEquals(4 + i, records.get(i).offset());
                assertEquals("v" + (4 + i), records.get(i).value());
            }
        }
    }

    @Test
    void listOffsetsFindsEarliestLatestTimestampsAndTheMaxTimestamp() throws Exception {
        final String topic = "timed";
        // Retention off: the records carry timestamps from 1970.
        try (Admin admin = admin()) {
            create(admin, topic, 2, Map.of("retention.ms", "-1"));
            try (KafkaProducer<String, String> producer = Clients.producer(broker, "linger.ms", 50)) {
                // Partition 0: one batch per record, timestamps ascending.
                for (final long ts : new long[] {1000, 2000, 3000}) {
                    producer.send(new ProducerRecord<>(topic, 0, ts, null, "at-" + ts)).get();
                }
                // Partition 1: one batch, timestamps out of order.
                assertEquals(List.of(0L, 1L, 2L), sendAll(producer, List.of(
                        new ProducerRecord<>(topic, 1, 1000L, null, "a"),
                        new ProducerRecord<>(topic, 1, 3000L, null, "b"),
                        new ProducerRecord<>(topic, 1, 2000L, null, "c"))));
            }
            final TopicPartition p0 = new TopicPartition(topic, 0);
            assertEquals(0, offset(admin, p0, OffsetSpec.earliest()).offset());
            assertEquals(3, offset(admin, p0, OffsetSpec.latest()).offset());
            final ListOffsetsResultInfo at1500 = offset(admin, p0, OffsetSpec.forTimestamp(1500));
            assertEquals(1, at1500.offset());
            assertEquals(2000, at1500.timestamp());
            assertEquals(0, offset(admin, p0, OffsetSpec.forTimestamp(0)).offset());
            assertEquals(2, offset(admin, p0, OffsetSpec.forTimestamp(3000)).offset());
            assertEquals(-1, offset(admin, p0, OffsetSpec.forTimestamp(9999)).offset());
            final ListOffsetsResultInfo max0 = offset(admin, p0, OffsetSpec.maxTimestamp());
            assertEquals(2, max0.offset());
            assertEquals(3000, max0.timestamp());

            final TopicPartition p1 = new TopicPartition(topic, 1);
            assertEquals(1, offset(admin, p1, OffsetSpec.forTimestamp(1500)).offset());
            assertEquals(1, offset(admin, p1, OffsetSpec.forTimestamp(2500)).offset());
            assertEquals(-1, offset(admin, p1, OffsetSpec.forTimestamp(3001)).offset());
            final ListOffsetsResultInfo max1 = offset(admin, p1, OffsetSpec.maxTimestamp());
            assertEquals(1, max1.offset());
            assertEquals(3000, max1.timestamp());

        }
    }

    @Test
    void aLogAppendTimeTopicStampsRecordsWithTheBrokersClock() throws Exception {
        final String topic = "appended";
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = admin()) {
            create(admin, topic, 1, Map.of("message.timestamp.type", "LogAppendTime"));
            assertConfig(configs(admin, topic), "message.timestamp.type", "LogAppendTime", ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
        final long before = System.currentTimeMillis();
        final List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            for (int i = 0; i < 3; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, 0, 1000L + i, null, "v" + i)).get());
            }
        }
        final long after = System.currentTimeMillis();
        for (final RecordMetadata ack : acks) {
            assertTrue(ack.timestamp() >= before && ack.timestamp() <= after,
                    "acknowledged timestamp " + ack.timestamp() + " within [" + before + ", " + after + "]");
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer, List.of(tp), 3,
                    Duration.ofSeconds(30));
            for (int i = 0; i < 3; i++) {
                final ConsumerRecord<String, String> r = records.get(i);
                assertEquals(TimestampType.LOG_APPEND_TIME, r.timestampType());
                assertTrue(r.timestamp() >= before && r.timestamp() <= after,
                        "record timestamp " + r.timestamp() + " within [" + before + ", " + after + "]");
                assertEquals(acks.get(i).timestamp(), r.timestamp());
            }
        }
    }
}
