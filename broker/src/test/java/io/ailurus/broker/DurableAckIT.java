package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * acks=all on a single replica is answered only once the batch is fsynced. The broker runs with its test-only
 * durability journal (one line per fsync: segment file, bytes it covered), so after each acknowledged send the
 * journal must vouch for every byte of the segment: an acknowledgement sent before its fsync leaves the file longer
 * than what was forced.
 */
@Timeout(120)
class DurableAckIT {

    private static final String TOPIC = "durable";

    @TempDir
    Path dir;

    @Test
    void anAcksAllSendIsAcknowledgedOnlyAfterItsBytesAreFsynced() throws Exception {
        final Path dataDir = dir.resolve("data");
        try (BrokerProcess broker = new BrokerProcess(dataDir, dir.resolve("broker.log"))
                .jvmOption("-Dailurus.log.durability-journal=true")) {
            broker.start();
            try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            final Path segment = dataDir.resolve(TOPIC).resolve("0").resolve("00000000000000000000.log");
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), "acks", "all",
                    "delivery.timeout.ms", 20_000, "request.timeout.ms", 10_000)) {
                for (int i = 0; i < 50; i++) {
                    final RecordMetadata acked = producer.send(new ProducerRecord<>(TOPIC, 0, null, "value-" + i))
                            .get(30, TimeUnit.SECONDS);
                    assertEquals(i, acked.offset());
                    // Nothing else writes to this partition, so all of the file is this and earlier sends.
                    assertEquals(Files.size(segment), durableBytes(dataDir, segment),
                            "bytes fsynced before the acknowledgement of offset " + i);
                }
            }
        }
    }

    /** The largest byte count the journal records as fsynced for {@code segment}, 0 if none. */
    private static long durableBytes(final Path dataDir, final Path segment) throws Exception {
        final Path journal = dataDir.resolve("durability.journal");
        if (!Files.exists(journal)) {
            return 0;
        }
        final String file = segment.toAbsolutePath().toString();
        long durable = 0;
        for (final String line : Files.readAllLines(journal)) {
            final int space = line.lastIndexOf(' ');
            if (space > 0 && line.substring(0, space).equals(file)) {
                durable = Math.max(durable, Long.parseLong(line.substring(space + 1)));
            }
        }
        return durable;
    }
}
