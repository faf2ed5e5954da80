package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three broker processes and a transform whose input partition has three replicas: kill -9 of the node running the
 * transform partition while records arrive. The transform moves with the input's leadership, and every input
 * record's output appears exactly once, in input order (the replay of what the killed node had written but not yet
 * recorded as progress is recognised by the output partition); the killed node, restarted, still knows the deployment;
 * a clean shutdown of the next node running it moves it again, with its leadership.
 */
@Timeout(300)
class TransformClusterIT {

    private static final String IN = "tx-in";
    private static final String OUT = "tx-out";

    @Test
    void killingTheNodeRunningATransformLosesAndDuplicatesNoOutput() throws Exception {
        try (TestCluster cluster = TestCluster.of(3, "transform-kill").start()) {
            createTopics(cluster);
            final String admin = cluster.node(1).adminUrl() + "/v1/transform";
            final AdminHttp.Reply deployed = AdminHttp.post(admin + "/deploy", TransformsIT.deployBody("copy", IN,
                    List.of(OUT), Map.of(), Files.readAllBytes(Path.of("..", "examples", "transforms", "modules",
                            "go-identity.wasm"))));
            assertEquals(200, deployed.status(), deployed.text());

            final Set<String> acked = new HashSet<>();
            try (KafkaProducer<String, String> producer = producer(cluster)) {
                produce(producer, "a", 1_500, acked);
                final int victim = runningNode(cluster);
                final List<Future<RecordMetadata>> inFlight = send(producer, "b", 1_500);
                cluster.node(victim).kill();
                collect(inFlight, "b", acked);
                produce(producer, "c", 1_000, acked);
                final int successor = runningNode(cluster);
                assertTrue(successor != victim, "the transform runs on the input's new leader");
                final int other = cluster.nodes().stream().mapToInt(BrokerProcess::nodeId)
                        .filter(id -> id != victim && id != successor).findFirst().orElseThrow();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> AdminHttp.get(
                        cluster.node(other).adminUrl() + "/v1/transform").body().get(0).get("status").get(0),
                        s -> s.get("status").asText().equals("running") && s.get("node_id").asInt() == successor);
                cluster.node(victim).start();
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> AdminHttp.get(
                        cluster.node(victim).adminUrl() + "/v1/transform").body().get(0).get("name").asText()
                        .equals("copy"));

                // A clean shutdown hands the input's leadership over: the transform goes with it.
                final List<Future<RecordMetadata>> moving = send(producer, "d", 1_000);
                assertEquals(143, cluster.node(successor).terminate(), "node " + successor + " stops cleanly on SIGTERM");
                collect(moving, "d", acked);
                produce(producer, "e", 500, acked);
                assertTrue(runningNode(cluster) != successor, "the transform runs on the input's next leader");
                cluster.node(successor).start();
            }

            final List<String> input = readAll(cluster, IN);
            assertTrue(input.containsAll(acked), "the input holds every acknowledged record");
            await().atMost(Duration.ofSeconds(120)).until(() -> readAll(cluster, OUT).size() >= input.size());
            final List<String> output = readAll(cluster, OUT);
            assertEquals(input.size(), output.size(), "one output per input record: " + output.size() + " outputs for "
                    + input.size() + " inputs (" + acked.size() + " acknowledged)");
            assertEquals(input, output, "the outputs, exactly once each, in the order of their inputs");
        }
    }

    /** Every record of partition 0 of {@code topic}, up to its end offset, in order. */
    private static List<String> readAll(final TestCluster cluster, final String topic) {
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(cluster)) {
            final TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end) {
                        values.add(r.value());
                    }
                }
            }
            assertTrue(consumer.position(tp) >= end, topic + " read up to " + consumer.position(tp) + " of " + end);
        }
        return values;
    }

    /** The node whose transform partition reports running (the input partition's leader). */
    private static int runningNode(final TestCluster cluster) {
        final int[] node = {-1};
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            for (final BrokerProcess n : cluster.nodes()) {
                if (n.isAlive()) {
                    final JsonNode list = AdminHttp.get(n.adminUrl() + "/v1/transform").body();
                    final JsonNode status = list.get(0).get("status").get(0);
                    if (status.get("status").asText().equals("running") && status.get("node_id").asInt() == n.nodeId()) {
                        node[0] = n.nodeId();
                        return true;
                    }
                }
            }
            return false;
        });
        return node[0];
    }

    private static void createTopics(final TestCluster cluster) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap(), "request.timeout.ms", 15000,
                "default.api.timeout.ms", 60000))) {
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 3);
            await().atMost(Duration.ofSeconds(60)).ignoreException(ExecutionException.class).until(() -> {
                admin.createTopics(List.of(new NewTopic(IN, 1, (short) 3), new NewTopic(OUT, 1, (short) 3)))
                        .all().get(30, TimeUnit.SECONDS);
                return true;
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of(IN, OUT)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).values().stream().allMatch(t -> t.partitions().get(0).leader() != null));
        }
    }

    private static KafkaProducer<String, String> producer(final TestCluster cluster) {
        return Clients.producer(cluster.bootstrap(), "acks", "all", "enable.idempotence", "true", "linger.ms", 5,
                "request.timeout.ms", 5000, "delivery.timeout.ms", 90000, "retry.backoff.ms", 100,
                "metadata.max.age.ms", 2000);
    }

    private static KafkaConsumer<String, String> consumer(final TestCluster cluster) {
        return Clients.consumer(cluster.bootstrap(), "metadata.max.age.ms", 2000);
    }

    private static List<Future<RecordMetadata>> send(final KafkaProducer<String, String> producer, final String prefix,
            final int count) {
        final List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(producer.send(new ProducerRecord<>(IN, 0, null, prefix + "-" + i)));
        }
        return sends;
    }

    private static void collect(final List<Future<RecordMetadata>> sends, final String prefix, final Set<String> acked)
            throws Exception {
        for (int i = 0; i < sends.size(); i++) {
            sends.get(i).get(120, TimeUnit.SECONDS);
            acked.add(prefix + "-" + i);
        }
    }

    private static void produce(final KafkaProducer<String, String> producer, final String prefix, final int count,
            final Set<String> acked) throws Exception {
        collect(send(producer, prefix, count), prefix, acked);
    }
}
