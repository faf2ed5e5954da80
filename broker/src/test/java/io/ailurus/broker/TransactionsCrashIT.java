package io.ailurus.broker;

import static io.ailurus.broker.TransactionsIT.READ_COMMITTED;
import static io.ailurus.broker.TransactionsIT.READ_UNCOMMITTED;
import static io.ailurus.broker.TransactionsIT.assertSameValues;
import static io.ailurus.broker.TransactionsIT.concat;
import static io.ailurus.broker.TransactionsIT.endOffset;
import static io.ailurus.broker.TransactionsIT.partitions;
import static io.ailurus.broker.TransactionsIT.sendRoundRobin;
import static io.ailurus.broker.TransactionsIT.values;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as a separate process, killed with SIGKILL while one transaction is open and right after others
 * committed: after the restart the committed ones are complete, the open one is aborted by its timeout, and
 * read_committed never shows its records.
 */
@Timeout(300)
class TransactionsCrashIT {

    private static final String TOPIC = "txn-crash";

    @TempDir
    Path dir;

    @Test
    void committedTransactionsSurviveKillDashNineAndTheOpenOneIsAborted() throws Exception {
        try (BrokerProcess broker = new BrokerProcess(dir.resolve("data"), dir.resolve("broker.log"))
                .jvmOption("-Dailurus.transactions.abort-timed-out-interval=500ms")) {
            broker.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap(),
                    "default.api.timeout.ms", 30000))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            final List<String> before = values("before-", 6);
            final List<String> open = values("open-", 6);
            final List<String> after = values("after-", 6);
            final Map<Integer, Long> lastOpenOffset = new HashMap<>();
            // Long enough that the open transaction outlives the restart: right after it the LSO must still stop there.
            final KafkaProducer<String, String> abandoned = Clients.producer(broker.bootstrap(),
                    TransactionsIT.transactionalSettings("tx-crash-abandoned", "transaction.timeout.ms", 15000));
            try {
                try (KafkaProducer<String, String> committer = Clients.producer(broker.bootstrap(),
                        TransactionsIT.transactionalSettings("tx-crash-committer"))) {
                    committer.initTransactions();
                    abandoned.initTransactions();
                    committer.beginTransaction();
                    sendRoundRobin(committer, TOPIC, 2, before);
                    committer.commitTransaction();
                    abandoned.beginTransaction();
                    for (final RecordMetadata m : sendRoundRobin(abandoned, TOPIC, 2, open)) {
                        lastOpenOffset.merge(m.partition(), m.offset(), Math::max);
                    }
                    committer.beginTransaction();
                    sendRoundRobin(committer, TOPIC, 2, after);
                    committer.commitTransaction();
                }
                // Right after the last commit: its markers may not be written yet; the restarted coordinator finishes.
                broker.kill();
                broker.start();

                assertSameValues(before, readAll(broker, READ_COMMITTED, before.size()));
                try (KafkaConsumer<String, String> committedReader = reader(broker, READ_COMMITTED)) {
                    await("the open transaction times out after the restart: the LSO passes it")
                            .atMost(Duration.ofSeconds(60)).pollInSameThread()
                            .until(() -> lastOpenOffset.entrySet().stream().allMatch(e ->
                                    endOffset(committedReader, new TopicPartition(TOPIC, e.getKey())) > e.getValue()));
                }
                assertSameValues(concat(before, after), readAll(broker, READ_COMMITTED, 12));
                assertSameValues(concat(before, open, after), readAll(broker, READ_UNCOMMITTED, 18));
            } finally {
                abandoned.close(Duration.ZERO);
            }
        }
    }

    private static KafkaConsumer<String, String> reader(final BrokerProcess broker, final String isolation) {
        return Clients.consumer(broker.bootstrap(), "isolation.level", isolation, "auto.offset.reset", "earliest",
                "request.timeout.ms", "10000", "default.api.timeout.ms", "30000");
    }

    private static List<String> readAll(final BrokerProcess broker, final String isolation, final int atLeast) {
        try (KafkaConsumer<String, String> consumer = reader(broker, isolation)) {
            return TransactionsIT.readAll(consumer, partitions(TOPIC, 2), atLeast, Duration.ofSeconds(60));
        }
    }
}
