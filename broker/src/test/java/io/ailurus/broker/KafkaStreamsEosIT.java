package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka Streams, unmodified, with {@code processing.guarantee=exactly_once_v2} on a 3-node cluster: a word count with a
 * repartition topic and a compacted changelog (both created by Streams), one broker killed (kill -9) while it runs.
 * Read with read_committed, every word's counts rise one committed update at a time and end at exactly the number of
 * times it was sent: nothing lost, nothing counted twice.
 */
@Timeout(300)
class KafkaStreamsEosIT {

    private static final String INPUT = "words";
    private static final String OUTPUT = "word-counts";
    private static final int PARTITIONS = 3;
    private static final int WORDS = 20;
    private static final int RECORDS = 3_000;

    @Test
    void wordCountIsExactAfterABrokerIsKilledMidRun() throws Exception {
        final Path stateDir = Files.createTempDirectory("ailurus-streams-");
        try (TestCluster cluster = TestCluster.of(3, "streams-eos").start()) {
            TransactionsClusterIT.createTopic(cluster, INPUT);
            TransactionsClusterIT.createTopic(cluster, OUTPUT);
            final Map<String, Long> expected = new HashMap<>();
            final List<String> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                final String word = "word-" + (i * 7 % WORDS);
                sent.add(word);
                expected.merge(word, 1L, Long::sum);
            }
            try (KafkaStreams streams = new KafkaStreams(topology(), streamsConfig(cluster, stateDir))) {
                streams.start();
                final Map<String, List<Long>> seen = new ConcurrentHashMap<>();
                try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(),
                        "enable.idempotence", "true", "acks", "all", "delivery.timeout.ms", "120000",
                        "request.timeout.ms", "5000", "max.block.ms", "90000", "metadata.max.age.ms", "2000");
                        KafkaConsumer<String, Long> reader = countsReader(cluster)) {
                    reader.assign(partitions());
                    reader.seekToBeginning(partitions());
                    for (int i = 0; i < sent.size(); i++) {
                        producer.send(new ProducerRecord<>(INPUT, "line-" + i, sent.get(i)));
                        if (i == RECORDS / 3) {
                            producer.flush();
                            await("Streams commits its first counts").atMost(Duration.ofSeconds(90)).pollInSameThread()
                                    .until(() -> poll(reader, seen) > 0);
                            // Not node 1 (the bootstrap the test's clients name first); any other broker goes.
                            cluster.node(2).kill();
                        }
                    }
                    producer.flush();
                    await("every word counted, exactly").atMost(Duration.ofSeconds(180)).pollInSameThread()
                            .until(() -> {
                                poll(reader, seen);
                                return expected.entrySet().stream().allMatch(e -> last(seen.get(e.getKey())) >= e.getValue());
                            });
                    // A little more reading: a duplicate update would show as a count above the expected one.
                    final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (System.nanoTime() < until) {
                        poll(reader, seen);
                    }
                }
                for (final Map.Entry<String, Long> e : expected.entrySet()) {
                    final List<Long> counts = seen.get(e.getKey());
                    assertEquals(e.getValue(), last(counts), "final count of " + e.getKey());
                    for (int i = 1; i < counts.size(); i++) {
                        assertTrue(counts.get(i) > counts.get(i - 1), "counts of " + e.getKey()
                                + " only rise (an update counted twice or replayed would not): " + counts);
                    }
                }
            }
        }
    }

    private static org.apache.kafka.streams.Topology topology() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .groupBy((line, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))   // repartition topic
                .count()                                                                          // compacted changelog
                .toStream()
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    private static Properties streamsConfig(final TestCluster cluster, final Path stateDir) {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count-eos");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), 60_000);
        p.put(StreamsConfig.producerPrefix("delivery.timeout.ms"), 120_000);
        p.put(StreamsConfig.producerPrefix("request.timeout.ms"), 10_000);
        p.put(StreamsConfig.producerPrefix("max.block.ms"), 90_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), 2_000);
        p.put(StreamsConfig.adminClientPrefix("default.api.timeout.ms"), 60_000);
        return p;
    }

    private static KafkaConsumer<String, Long> countsReader(final TestCluster cluster) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrap());
        p.put("isolation.level", "read_committed");
        p.put("metadata.max.age.ms", "2000");
        p.put("request.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "60000");
        return new KafkaConsumer<>(p, new StringDeserializer(), new LongDeserializer());
    }

    private static List<TopicPartition> partitions() {
        final List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.add(new TopicPartition(OUTPUT, p));
        }
        return out;
    }

    private static int poll(final KafkaConsumer<String, Long> reader, final Map<String, List<Long>> seen) {
        int n = 0;
        for (final ConsumerRecord<String, Long> r : reader.poll(Duration.ofMillis(200))) {
            seen.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            n++;
        }
        return n;
    }

    private static long last(final List<Long> counts) {
        return counts == null || counts.isEmpty() ? 0 : counts.get(counts.size() - 1);
    }
}
