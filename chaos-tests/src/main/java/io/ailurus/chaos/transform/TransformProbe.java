package io.ailurus.chaos.transform;

import io.ailurus.chaos.cluster.BrokerNode;
import io.ailurus.chaos.cluster.ClusterUnderTest;
import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.report.TransformSummary;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The transform workload: deploys Redpanda's Go identity module from the workload topic to {@code <topic>-out} before
 * the faults start, and after them checks the output against the history's acknowledged sends.
 */
public final class TransformProbe {

    /** Where the module is, relative to the chaos-tests module (the harness's working directory). */
    public static final String MODULE_PROPERTY = "chaos.transform-module";
    private static final String DEFAULT_MODULE = "../examples/transforms/modules/go-identity.wasm";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TransformProbe() {
    }

    public static String outputOf(final String topic) {
        return topic + "-out";
    }

    /** Creates the output topic and deploys the transform; retried while the cluster settles. */
    public static void deploy(final ClusterUnderTest cluster, final String topic, final int partitions,
                              final int replicas, final Duration timeout) throws java.io.IOException,
            InterruptedException {
        final String output = outputOf(topic);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            try {
                admin.createTopics(List.of(new NewTopic(output, partitions, (short) replicas))).all()
                        .get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                    throw new java.io.IOException("output topic " + output + " not created: " + e, e);
                }
            }
        }
        final byte[] wasm = Files.readAllBytes(Path.of(System.getProperty(MODULE_PROPERTY, DEFAULT_MODULE)));
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("{\"name\":\"chaos-identity\",\"input_topic\":\"" + topic + "\",\"output_topics\":[\""
                + output + "\"],\"offset\":{\"format\":\"from_start\",\"value\":0}}").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(wasm);
        final long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no node answered";
        while (System.nanoTime() < deadline) {
            for (final BrokerNode node : cluster.nodes()) {
                try {
                    final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://"
                            + node.spec().host() + ":" + node.spec().adminPort() + "/v1/transform/deploy"))
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                    last = r.statusCode() + " " + r.body();
                } catch (java.io.IOException e) {
                    last = e.toString();
                }
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("the transform could not be deployed: " + last);
    }

    /** How often each value occurs in the input topic, read from its start to its end offsets. */
    private static Map<Long, Integer> counts(final String bootstrap, final String topic, final int partitions,
                                             final List<String> problems) {
        final Map<Long, Integer> counts = new HashMap<>();
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        try {
                            counts.merge(Long.parseLong(r.value()), 1, Integer::sum);
                        } catch (NumberFormatException e) {
                            // not a workload value: its outputs are reported by the output check
                        }
                    }
                }
            }
            if (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                problems.add("input not read to its end within 60 s");
            }
        } catch (RuntimeException e) {
            problems.add("input not readable: " + e);
        }
        return counts;
    }

    /** Reads the output until every acknowledged value is there or {@code timeout} passed. */
    public static TransformSummary check(final String bootstrap, final String topic, final int partitions,
                                         final History history, final Duration timeout) {
        final Set<Long> acked = new HashSet<>();
        history.pairs(Fn.SEND).stream().filter(p -> p.completion() != null
                && p.completion().type() == OpType.OK).forEach(p -> acked.add(p.completion().value()));
        final Map<Long, Integer> seen = new HashMap<>();
        long outputs = 0;
        final List<String> problems = new ArrayList<>();
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(outputOf(topic), i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!seen.keySet().containsAll(acked) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
                    outputs++;
                    try {
                        seen.merge(Long.parseLong(r.value()), 1, Integer::sum);
                    } catch (NumberFormatException e) {
                        problems.add("output record not from the workload: " + r.value());
                    }
                }
            }
        } catch (RuntimeException e) {
            problems.add("output not readable: " + e);
        }
        final List<Long> missing = acked.stream().filter(v -> !seen.containsKey(v)).sorted().toList();
        // A value the input holds twice (a producer retry) rightly has two outputs: count against the input.
        final Map<Long, Integer> inputs = counts(bootstrap, topic, partitions, problems);
        final long duplicates = seen.entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue() - inputs.getOrDefault(e.getKey(), 1))).sum();
        return new TransformSummary(acked.size(), outputs, missing.stream().limit(10).toList(), missing.size(),
                duplicates, problems);
    }
}
