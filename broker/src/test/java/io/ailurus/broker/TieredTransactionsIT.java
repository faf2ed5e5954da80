package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.tier.s3.testing.S3TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aborted transactions in tiered ranges (KIP-405 uploads a transaction index with each segment): once the segments
 * holding them are only in the bucket, a read_committed consumer still drops the aborted records: on the node that
 * uploaded them, after it restarts (its memory of the transactions rebuilt from what is left on disk), and on a fresh
 * node that restores the topic from the bucket.
 */
@Timeout(240)
class TieredTransactionsIT {

    private static final String TOPIC = "tiered-txn";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int TRANSACTIONS = 9;
    /** Records per transaction: with 60-byte values a transaction spans several 8 KiB segments. */
    private static final int RECORDS_PER_TRANSACTION = 150;

    @TempDir
    Path tmp;

    S3TestServer s3;
    TestBroker broker;

    @BeforeEach
    void startBucket() {
        s3 = S3TestServer.start("ailurus");
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        s3.close();
    }

    private TestBroker startBroker(final Path dataDir) throws Exception {
        final Map<String, Object> tiering = TieredConfig.node(s3.endpoint());
        tiering.put("ailurus.tiered-storage.upload-interval", "1s");
        tiering.put("ailurus.transactions.state-topic-partitions", 1);
        return TestBroker.start(dataDir, tiering);
    }

    @Test
    void readCommittedSkipsAbortedRecordsServedFromTheBucket() throws Exception {
        broker = startBroker(tmp.resolve("origin"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true", "segment.bytes", "8192", "local.retention.bytes", "0",
                    "redpanda.remote.delete", "false")))).all().get(30, TimeUnit.SECONDS);
        }
        final List<String> committed = new ArrayList<>();
        final List<String> all = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "transactional.id", "tiered-txn",
                "acks", "all", "linger.ms", 5, "batch.size", 2048, "max.block.ms", 30_000)) {
            producer.initTransactions();
            for (int t = 0; t < TRANSACTIONS; t++) {
                final boolean abort = t % 3 == 1;
                producer.beginTransaction();
                for (int i = 0; i < RECORDS_PER_TRANSACTION; i++) {
                    final String value = (abort ? "aborted-" : "committed-") + t + "-" + i + "-" + "x".repeat(40);
                    producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, value));
                    all.add(value);
                    if (!abort) {
                        committed.add(value);
                    }
                }
                producer.flush();   // in the log before the marker, so that read_uncommitted sees the aborted ones
                if (abort) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
        // Everything goes up (the upload interval rolls the last segment too) and leaves the disk. The end is every
        // record and every marker: a commit returns once decided, its markers are written after it (as in Kafka).
        final ReplicaHandle origin = broker.node().services().replicas().leader(TP);
        final long end = (long) TRANSACTIONS * (RECORDS_PER_TRANSACTION + 1);
        await().atMost(Duration.ofSeconds(90)).until(() -> origin.log().highWatermark() == end
                && origin.remote().endOffset() == end && origin.log().logStartOffset() == end);

        assertSameValues(committed, read(broker, "read_committed"), "read_committed on the node that uploaded");
        assertSameValues(all, read(broker, "read_uncommitted"), "read_uncommitted on the node that uploaded");

        broker.restart();
        assertSameValues(committed, read(broker, "read_committed"), "read_committed after a restart");
        assertSameValues(all, read(broker, "read_uncommitted"), "read_uncommitted after a restart");
        broker.close();

        broker = startBroker(tmp.resolve("fresh"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Optional.empty(), Optional.empty())
                    .configs(Map.of("redpanda.remote.recovery", "true")))).all().get(30, TimeUnit.SECONDS);
        }
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        assertSameValues(committed, read(broker, "read_committed"), "read_committed on a node restored from the bucket");
    }

    /** The same values in the same order; on failure, counts and the first difference instead of thousands of values. */
    private static void assertSameValues(final List<String> expected, final List<String> actual, final String what) {
        if (expected.equals(actual)) {
            return;
        }
        int i = 0;
        while (i < Math.min(expected.size(), actual.size()) && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        final long aborted = actual.stream().filter(v -> v.startsWith("aborted-")).count();
        assertEquals(expected.size(), actual.size(), what + ": " + actual.size() + " values (" + aborted
                + " aborted) instead of " + expected.size() + "; first difference at " + i + ": "
                + (i < actual.size() ? actual.get(i) : "<end>"));
        assertEquals(expected.get(i), actual.get(i), what + ": first difference at " + i);
    }

    /** Every record value from offset 0 to the end the consumer's isolation level sees. */
    private static List<String> read(final TestBroker broker, final String isolation) {
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "isolation.level", isolation,
                "max.partition.fetch.bytes", 4096)) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            final long end = consumer.endOffsets(List.of(TP)).get(TP);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return consumer.position(TP) >= end;
            });
        }
        return values;
    }
}
