package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker as a separate process, killed with SIGKILL in the middle of a produce stream. */
@Timeout(300)
class CrashRecoveryIT {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesKillDashNine() throws Exception {
        final Path dataDir = dir.resolve("data");
        final Path log = dir.resolve("broker.log");
        try (BrokerProcess broker = new BrokerProcess(dataDir, log)) {
            broker.start();
            final Map<Long, String> acked = new ConcurrentHashMap<>();
            final AtomicInteger failed = new AtomicInteger();
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), "acks", "all",
                    "linger.ms", 2, "delivery.timeout.ms", 5_000, "request.timeout.ms", 2_000, "max.block.ms", 5_000)) {
                for (int i = 0; ; i++) {
                    final String value = "value-" + i;
                    producer.send(new ProducerRecord<>("crash", 0, null, value), (metadata, e) -> {
                        if (e == null) {
                            acked.put(metadata.offset(), value);
                        } else {
                            failed.incrementAndGet();
                        }
                    });
                    if (i == 10_000) {
                        // Kill while sends are in flight; sending on into a dead broker would only wait on metadata.
                        waitFor(() -> acked.size() > 2_000);
                        broker.kill();
                        break;
                    }
                }
                producer.flush();
            }
            assertTrue(acked.size() >= 2_000, "acked before the kill: " + acked.size());

            broker.start();
            final Map<Long, String> read = new ConcurrentHashMap<>();
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap())) {
                final TopicPartition tp = new TopicPartition("crash", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                final long end = consumer.endOffsets(List.of(tp)).get(tp);
                final long deadline = System.nanoTime() + 60_000_000_000L;
                while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                    for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        read.put(r.offset(), r.value());
                    }
                }
                for (final Map.Entry<Long, String> a : acked.entrySet()) {
                    assertEquals(a.getValue(), read.get(a.getKey()), "acknowledged offset " + a.getKey());
                }
                // Offsets are dense: the recovered log has no hole.
                for (long o = 0; o < end; o++) {
                    assertTrue(read.containsKey(o), "offset " + o + " missing below the end " + end);
                }
            }
            // The JVM reports 143 (128 + SIGTERM) after running the shutdown hook; what counts is the clean stop.
            final int exit = broker.terminate();
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            assertTrue(Files.readString(log).contains("ailurus node 1 stopped"), "the broker logged its clean stop");
        }
    }

    private static void waitFor(final java.util.function.BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
