package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idempotent producer against lost responses and restarts: clients reach the broker through a {@link DroppingProxy}
 * (the broker advertises the proxy's port), which loses chosen Produce responses after the broker has appended the
 * records. The producer retries; the partition must hold every record exactly once, in order.
 */
@Timeout(180)
class IdempotentProducerIT {

    @TempDir
    static Path dataDir;

    static DroppingProxy proxy;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        proxy = new DroppingProxy(() -> broker.node().kafkaPort());
        broker = TestBroker.start(dataDir, Map.of("ailurus.kafka.advertised-port", proxy.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @BeforeEach
    void disarm() {
        proxy.disarm();
    }

    /** An idempotent producer connected through the proxy. */
    private static KafkaProducer<String, String> producer(final Object... extra) {
        final List<Object> settings = new ArrayList<>(List.of(
                "bootstrap.servers", "127.0.0.1:" + proxy.port(),
                "enable.idempotence", "true",
                "acks", "all",
                "max.in.flight.requests.per.connection", "5",
                "delivery.timeout.ms", "60000"));
        settings.addAll(Arrays.asList(extra));
        return Clients.producer(broker, settings.toArray());
    }

    /** Reads the whole partition and checks it holds exactly {@code values}, in order, at offsets 0.. */
    private static void assertPartitionHoldsExactly(final String topic, final List<String> values) {
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            final List<ConsumerRecord<String, String>> records = Clients.readFromStart(consumer, List.of(tp),
                    values.size(), Duration.ofSeconds(30));
            assertEquals(values.size(), consumer.endOffsets(List.of(tp)).get(tp),
                    "the log end offset: one record per value sent, no duplicates");
            // Whatever a poll may have returned beyond the expected count is a duplicate too.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            final List<String> read = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i, records.get(i).offset());
                read.add(records.get(i).value());
            }
            assertEquals(values, read);
        }
    }

    private static void awaitDrops(final int atLeast) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (proxy.droppedResponses() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(proxy.droppedResponses() >= atLeast, "the proxy lost " + proxy.droppedResponses()
                + " produce response(s), expected " + atLeast);
    }

    @Test
    void lostProduceResponsesAreRetriedWithoutDuplicates() throws Exception {
        final String topic = "lost-responses";
        final int rounds = 3;
        final int perRound = 100;
        final int droppedBefore = proxy.droppedResponses();
        final List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            // The topic exists before the drops are armed, so they hit produce requests of the records below.
            producer.partitionsFor(topic);
            for (int round = 0; round < rounds; round++) {
                // The first produce request of each round loses its response; those sent after it on the same
                // connection (up to 5 in flight) lose theirs too when the proxy closes the connection.
                proxy.dropResponseToProduce(1);
                final List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    final String value = "r" + round + "-" + i;
                    values.add(value);
                    sent.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
                    Thread.sleep(1);   // many small produce requests, several in flight
                }
                for (int i = 0; i < perRound; i++) {
                    assertEquals(round * perRound + i, sent.get(i).get(60, TimeUnit.SECONDS).offset(),
                            "offset of record " + i + " of round " + round);
                }
                assertEquals(droppedBefore + round + 1, proxy.droppedResponses(),
                        "produce responses the proxy lost (" + proxy.produceRequests() + " produce requests seen)");
            }
        }
        assertPartitionHoldsExactly(topic, values);
    }

    @Test
    void theProducerContinuesAcrossABrokerRestartWithoutDuplicates() throws Exception {
        final String topic = "across-restart";
        final List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 10; i++) {
                values.add("before-" + i);
                assertEquals(i, producer.send(new ProducerRecord<>(topic, 0, null, "before-" + i)).get().offset());
            }
            broker.restart();
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                values.add("after-" + i);
                sent.add(producer.send(new ProducerRecord<>(topic, 0, null, "after-" + i)));
            }
            for (int i = 0; i < 10; i++) {
                // An OutOfOrderSequenceException here would mean the sequence state was not rebuilt from the log.
                assertEquals(10 + i, sent.get(i).get(60, TimeUnit.SECONDS).offset());
            }
        }
        assertPartitionHoldsExactly(topic, values);
    }

    @Test
    void aRetryThatReachesARestartedBrokerIsStillRecognisedAsADuplicate() throws Exception {
        final String topic = "lost-then-restart";
        final List<String> values = new ArrayList<>();
        // A long backoff, so that the retry of the lost batch only comes after the restart below has begun.
        try (KafkaProducer<String, String> producer = producer("retry.backoff.ms", "3000", "retry.backoff.max.ms", "3000")) {
            for (int i = 0; i < 5; i++) {
                values.add("v" + i);
                assertEquals(i, producer.send(new ProducerRecord<>(topic, 0, null, "v" + i)).get().offset());
            }
            final int droppedBefore = proxy.droppedResponses();
            proxy.dropResponseToProduce(1);
            values.add("lost-ack");
            final Future<RecordMetadata> lost = producer.send(new ProducerRecord<>(topic, 0, null, "lost-ack"));
            awaitDrops(droppedBefore + 1);   // appended and durable (acks=all), but the producer never heard
            broker.restart();
            assertEquals(5, lost.get(60, TimeUnit.SECONDS).offset(), "the retry is answered with the original offset");
            values.add("next");
            assertEquals(6, producer.send(new ProducerRecord<>(topic, 0, null, "next")).get().offset());
        }
        assertPartitionHoldsExactly(topic, values);
    }

    @Test
    void describeProducersShowsTheProducersEpochAndLastSequence() throws Exception {
        final String topic = "described-producers";
        try (KafkaProducer<String, String> producer = producer();
             org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                     Map.of("bootstrap.servers", "127.0.0.1:" + proxy.port()))) {
            for (int i = 0; i < 7; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "v" + i)).get();   // one batch each
            }
            final TopicPartition tp = new TopicPartition(topic, 0);
            final List<org.apache.kafka.clients.admin.ProducerState> producers = admin.describeProducers(List.of(tp))
                    .partitionResult(tp).get(30, TimeUnit.SECONDS).activeProducers();
            assertEquals(1, producers.size(), "producers: " + producers);
            final org.apache.kafka.clients.admin.ProducerState state = producers.get(0);
            assertEquals(0, state.producerEpoch());
            assertEquals(6, state.lastSequence(), "seven records, sequences 0..6");
            assertTrue(state.lastTimestamp() > 0, "last timestamp: " + state.lastTimestamp());
            assertTrue(state.currentTransactionStartOffset().isEmpty());

        }
    }
}
