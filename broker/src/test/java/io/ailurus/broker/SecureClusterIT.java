package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.broker.security.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes whose every Kafka listener is SASL_SSL: clients on a CLIENT listener, brokers among
 * themselves on an INTERNAL one (transaction markers to partitions led elsewhere log in as the bootstrap super user).
 * Metadata answers with the listener's own addresses, and transactions spanning the three nodes commit and abort as
 * on a plaintext cluster.
 */
@Timeout(300)
class SecureClusterIT {

    private static final String TOPIC = "payments";

    @TempDir
    Path dir;

    @Test
    void transactionsAcrossNodesOverSaslSsl() throws Exception {
        final TestCertificates tls = TestCertificates.create(dir.resolve("tls"));
        try (TestCluster cluster = TestCluster.of(3, "secure-cluster")) {
            final Map<Integer, Integer> internalPorts = new HashMap<>();
            for (final BrokerProcess node : cluster.nodes()) {
                final int internal = LoopbackPorts.free();
                internalPorts.put(node.nodeId(), internal);
                final Path config = dir.resolve("node-" + node.nodeId() + ".conf");
                Files.writeString(config, """
                        ailurus.kafka {
                          listeners = "CLIENT://127.0.0.1:%d,INTERNAL://127.0.0.1:%d"
                          listener-security-protocol-map = "CLIENT:SASL_SSL,INTERNAL:SASL_SSL"
                          inter-broker-listener = INTERNAL
                        }
                        ailurus.security {
                          ssl {
                            keystore.type = PKCS12
                            keystore.location = "%s"
                            keystore.password = "%s"
                            key.password = "%s"
                            truststore.type = PKCS12
                            truststore.location = "%s"
                            truststore.password = "%s"
                          }
                          super-users = ["User:admin"]
                          bootstrap-user = "admin:admin-secret"
                        }
                        """.formatted(node.kafkaPort(), internal, tls.serverKeyStore(), TestCertificates.PASSWORD,
                        TestCertificates.PASSWORD, tls.trustStore(), TestCertificates.PASSWORD));
                node.configFile(config);
            }
            cluster.start();
            final Properties client = client(cluster, tls);
            try (Admin admin = Admin.create(client)) {
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)
                                .size() == 3);
                final Set<Integer> advertised = new HashSet<>();
                admin.describeCluster().nodes().get().stream().map(Node::port).forEach(advertised::add);
                assertEquals(Set.of(cluster.node(1).kafkaPort(), cluster.node(2).kafkaPort(),
                        cluster.node(3).kafkaPort()), advertised, "clients are told the CLIENT listeners' addresses");
                assertTrue(advertised.stream().noneMatch(internalPorts::containsValue));

                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get(60, TimeUnit.SECONDS);
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> leaders(admin).size() == 3);
                // Led by more than one node, so some transaction markers travel between brokers.
                assertTrue(new HashSet<>(leaders(admin).values()).size() >= 2, "leaders " + leaders(admin));
            }

            final List<String> committed = new ArrayList<>();
            final Properties producerProps = (Properties) client.clone();
            producerProps.put("transactional.id", "secure-tx");
            producerProps.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            producerProps.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            producerProps.put("delivery.timeout.ms", "60000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
                producer.initTransactions();
                for (int t = 0; t < 6; t++) {
                    producer.beginTransaction();
                    final List<String> sent = new ArrayList<>();
                    for (int p = 0; p < 3; p++) {
                        final String value = "t" + t + "-p" + p;
                        producer.send(new ProducerRecord<>(TOPIC, p, null, value));
                        sent.add(value);
                    }
                    if (t % 3 == 2) {
                        producer.abortTransaction();
                    } else {
                        producer.commitTransaction();
                        committed.addAll(sent);
                    }
                }
            }

            final Properties consumerProps = (Properties) client.clone();
            consumerProps.put("isolation.level", "read_committed");
            consumerProps.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            consumerProps.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            final Set<String> read = new HashSet<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
                final List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0),
                        new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                // Past every marker: each partition's position reaches its end (the last stable offset).
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        read.add(r.value());
                    }
                    final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                    return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))
                            && read.size() >= committed.size();
                });
            }
            assertEquals(new HashSet<>(committed), read, "exactly the committed transactions, on all three nodes");
            for (final BrokerProcess node : cluster.nodes()) {
                final String log = Files.readString(node.logFile());
                assertTrue(!log.contains("inter-broker login"), "node " + node.nodeId() + " failed to log in to a peer");
            }
        }
    }

    /** Partition → leader node, for the partitions that have one. */
    private static Map<Integer, Integer> leaders(final Admin admin) throws Exception {
        final TopicDescription description = admin.describeTopics(List.of(TOPIC)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(TOPIC);
        final Map<Integer, Integer> leaders = new HashMap<>();
        for (final TopicPartitionInfo p : description.partitions()) {
            if (p.leader() != null) {
                leaders.put(p.partition(), p.leader().id());
            }
        }
        return leaders;
    }

    private static Properties client(final TestCluster cluster, final TestCertificates tls) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrap());
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-256");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"admin\" password=\"admin-secret\";");
        p.putAll(tls.clientSslConfigs());
        p.put("request.timeout.ms", "15000");
        p.put("default.api.timeout.ms", "60000");
        return p;
    }
}
