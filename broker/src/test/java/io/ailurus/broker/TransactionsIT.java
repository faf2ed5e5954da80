package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka transactions as a kafka-clients user sees them: what read_committed and read_uncommitted consumers read after
 * commits and aborts, the last stable offset while a transaction is open, offsets committed with a transaction,
 * zombie fencing, the coordinator's timeout abort, and transactions across a broker restart. The broker's
 * {@code __transaction_state} has small segments and its log cleaner a short backoff, so that its compaction happens
 * within a test.
 */
@Timeout(180)
class TransactionsIT {

    static final String READ_COMMITTED = "read_committed";
    static final String READ_UNCOMMITTED = "read_uncommitted";
    static final int STATE_PARTITIONS = 4;
    static final int STATE_SEGMENT_BYTES = 16 * 1024;

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of(
                "ailurus.groups.initial-rebalance-delay", "0s",
                "ailurus.groups.min-session-timeout", "1s",
                "ailurus.groups.offsets-topic-partitions", 4,
                // Assumed keys: fewer __transaction_state partitions (16 by default) and a quick scan for timed-out
                // transactions (Kafka: transaction.abort.timed.out.transaction.cleanup.interval.ms, 10 s).
                "ailurus.transactions.state-topic-partitions", STATE_PARTITIONS,
                "ailurus.transactions.abort-timed-out-interval", "500ms",
                "ailurus.transactions.state-topic-segment-bytes", STATE_SEGMENT_BYTES,
                "ailurus.log-cleaner.backoff", "200ms"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void aCommittedTransactionIsReadByBothIsolationLevels() throws Exception {
        final String topic = "txn-commit";
        broker.createTopic(topic, 3);
        final List<String> sent = values("c-", 10);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-commit")) {
            producer.initTransactions();
            producer.beginTransaction();
            sendRoundRobin(producer, topic, 3, sent);
            producer.commitTransaction();
        }
        assertSameValues(sent, readAll(topic, 3, READ_COMMITTED, sent.size()));
        assertSameValues(sent, readAll(topic, 3, READ_UNCOMMITTED, sent.size()));
    }

    @Test
    void anAbortedTransactionIsSkippedByReadCommittedOnly() throws Exception {
        final String topic = "txn-abort";
        broker.createTopic(topic, 3);
        final List<String> aborted = values("aborted-", 5);
        final List<String> committed = values("committed-", 5);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-abort")) {
            producer.initTransactions();
            producer.beginTransaction();
            sendRoundRobin(producer, topic, 3, aborted);
            producer.flush();   // in the log before the abort, so read_uncommitted has them
            producer.abortTransaction();
            producer.beginTransaction();
            sendRoundRobin(producer, topic, 3, committed);
            producer.commitTransaction();
        }
        assertSameValues(committed, readAll(topic, 3, READ_COMMITTED, committed.size()));
        assertSameValues(concat(aborted, committed), readAll(topic, 3, READ_UNCOMMITTED, 10));
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetUntilItCommits() throws Exception {
        final String topic = "txn-lso";
        broker.createTopic(topic, 1);
        final TopicPartition tp = new TopicPartition(topic, 0);
        final List<String> plain = values("plain-", 3);
        Clients.produceValues(broker, topic, 1, plain.size(), "plain-");
        final List<String> transactional = values("txn-", 5);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-lso");
             KafkaConsumer<String, String> committedReader = reader(READ_COMMITTED);
             KafkaConsumer<String, String> uncommittedReader = reader(READ_UNCOMMITTED);
             Admin admin = Admin.create(broker.clientProperties())) {
            producer.initTransactions();
            producer.beginTransaction();
            final List<RecordMetadata> acks = sendRoundRobin(producer, topic, 1, transactional);
            final long firstTxnOffset = acks.get(0).offset();
            final long lastTxnOffset = acks.get(acks.size() - 1).offset();
            assertEquals(plain.size(), firstTxnOffset, "the transaction follows the plain records");

            // Open: read_committed ends at the transaction's first offset, read_uncommitted after its last record.
            final long lastStable = endOffset(committedReader, tp);
            assertTrue(lastStable >= plain.size() && lastStable <= firstTxnOffset,
                    "read_committed end offset (LSO) " + lastStable + " with a transaction open from " + firstTxnOffset);
            assertTrue(endOffset(uncommittedReader, tp) > lastTxnOffset, "read_uncommitted end offset (high watermark)");
            final List<ProducerState> open = admin.describeProducers(List.of(tp)).partitionResult(tp)
                    .get(30, TimeUnit.SECONDS).activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent()).toList();
            assertEquals(1, open.size(), "DescribeProducers: one producer with an open transaction: " + open);
            assertEquals(firstTxnOffset, open.get(0).currentTransactionStartOffset().getAsLong());

            committedReader.assign(List.of(tp));
            committedReader.seekToBeginning(List.of(tp));
            final List<String> whileOpen = pollFor(committedReader, Duration.ofSeconds(2));
            assertEquals(plain, whileOpen, "read_committed reads up to the open transaction and no further");
            assertTrue(committedReader.position(tp) <= firstTxnOffset, "read_committed position " + committedReader.position(tp));
            assertSameValues(concat(plain, transactional), readAll(uncommittedReader, List.of(tp), 8, Duration.ofSeconds(30)));

            producer.commitTransaction();

            // The waiting read_committed consumer goes on; the end offset passes the commit marker.
            final List<String> afterCommit = readAll(committedReader, List.of(tp), 5, Duration.ofSeconds(30), false);
            assertEquals(transactional, afterCommit);
            await("read_committed end offset passes the commit marker").atMost(Duration.ofSeconds(30))
                    .pollInSameThread().untilAsserted(() -> {
                        final long committedEnd = endOffset(committedReader, tp);
                        assertTrue(committedEnd >= lastTxnOffset + 2, "LSO " + committedEnd + ", last record " + lastTxnOffset);
                        assertEquals(endOffset(uncommittedReader, tp), committedEnd, "LSO = high watermark");
                    });
            await("DescribeProducers shows no open transaction").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertTrue(admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS)
                            .activeProducers().stream().allMatch(p -> p.currentTransactionStartOffset().isEmpty())));
        }
    }

    @Test
    void offsetsSentToACommittedTransactionAreCommittedWithIt() throws Exception {
        final String input = "ctp-in";
        final String output = "ctp-out";
        final String group = "txn-group";
        broker.createTopic(input, 1);
        broker.createTopic(output, 1);
        final TopicPartition in = new TopicPartition(input, 0);
        Clients.produceValues(broker, input, 1, 20, "in-");
        try (KafkaConsumer<String, String> consumer = groupMember(group);
             KafkaProducer<String, String> producer = transactionalProducer("tx-ctp")) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            final List<ConsumerRecord<String, String>> records = pollRecords(consumer, 20);
            producer.beginTransaction();
            for (final ConsumerRecord<String, String> r : records) {
                producer.send(new ProducerRecord<>(output, 0, null, transform(r.value())));
            }
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(20)), consumer.groupMetadata());
            producer.commitTransaction();
        }
        try (Admin admin = Admin.create(broker.clientProperties())) {
            await("the group's offset committed with the transaction").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertEquals(Map.of(in, 20L), committedOffsets(admin, group)));
        }
        assertSameValues(transform(values("in-", 20)), readAll(output, 1, READ_COMMITTED, 20));
    }

    @Test
    void offsetsSentToAnAbortedTransactionAreDiscardedAndTheRetryCommitsOnce() throws Exception {
        final String input = "ctp-abort-in";
        final String output = "ctp-abort-out";
        final String group = "txn-group-aborted";
        broker.createTopic(input, 1);
        broker.createTopic(output, 1);
        final TopicPartition in = new TopicPartition(input, 0);
        Clients.produceValues(broker, input, 1, 20, "in-");
        try (Admin admin = Admin.create(broker.clientProperties())) {
            try (KafkaConsumer<String, String> consumer = groupMember(group);
                 KafkaProducer<String, String> producer = transactionalProducer("tx-ctp-abort")) {
                producer.initTransactions();
                consumer.subscribe(List.of(input));
                final List<ConsumerRecord<String, String>> records = pollRecords(consumer, 20);
                // First half: committed with offset 10.
                producer.beginTransaction();
                for (final ConsumerRecord<String, String> r : records.subList(0, 10)) {
                    producer.send(new ProducerRecord<>(output, 0, null, transform(r.value())));
                }
                producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(10)), consumer.groupMetadata());
                producer.commitTransaction();
                // Second half: offset 20 sent, then aborted.
                producer.beginTransaction();
                for (final ConsumerRecord<String, String> r : records.subList(10, 20)) {
                    producer.send(new ProducerRecord<>(output, 0, null, transform(r.value())));
                }
                producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(20)), consumer.groupMetadata());
                producer.flush();
                producer.abortTransaction();
            }
            await("the committed offset stays at the committed transaction's 10").atMost(Duration.ofSeconds(30))
                    .during(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertEquals(Map.of(in, 10L), committedOffsets(admin, group)));

            // A new member resumes where the committed transaction left off, and its transaction commits the rest.
            try (KafkaConsumer<String, String> consumer = groupMember(group);
                 KafkaProducer<String, String> producer = transactionalProducer("tx-ctp-abort")) {
                producer.initTransactions();
                consumer.subscribe(List.of(input));
                final List<ConsumerRecord<String, String>> records = pollRecords(consumer, 10);
                assertEquals(10, records.get(0).offset(), "the new member starts at the committed offset");
                assertEquals(values("in-", 20).subList(10, 20), records.stream().map(ConsumerRecord::value).toList());
                producer.beginTransaction();
                for (final ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(output, 0, null, transform(r.value())));
                }
                producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(20)), consumer.groupMetadata());
                producer.commitTransaction();
            }
            await("the retried transaction's offset").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertEquals(Map.of(in, 20L), committedOffsets(admin, group)));
        }
        // Exactly once for read_committed; the aborted attempt's outputs are in the log all the same.
        assertSameValues(transform(values("in-", 20)), readAll(output, 1, READ_COMMITTED, 20));
        assertEquals(30, readAll(output, 1, READ_UNCOMMITTED, 30).size());
    }

    @Test
    void aNewProducerWithTheSameTransactionalIdFencesTheZombie() throws Exception {
        final String topic = "txn-fence";
        broker.createTopic(topic, 1);
        final TopicPartition tp = new TopicPartition(topic, 0);
        final KafkaProducer<String, String> zombie = transactionalProducer("tx-fence");
        try {
            zombie.initTransactions();
            zombie.beginTransaction();
            final long zombieOffset = zombie.send(new ProducerRecord<>(topic, 0, null, "zombie-1")).get(30, TimeUnit.SECONDS)
                    .offset();
            try (KafkaProducer<String, String> successor = transactionalProducer("tx-fence");
                 KafkaConsumer<String, String> committedReader = reader(READ_COMMITTED)) {
                successor.initTransactions();   // aborts the zombie's open transaction
                await("the zombie's transaction is aborted: the LSO passes its record").atMost(Duration.ofSeconds(10))
                        .pollInSameThread().until(() -> endOffset(committedReader, tp) > zombieOffset);

                // The zombie goes on as if nothing happened: a late write to its partition, then a commit.
                final Throwable failure = failureOf(() -> {
                    zombie.send(new ProducerRecord<>(topic, 0, null, "zombie-2")).get(30, TimeUnit.SECONDS);
                    zombie.commitTransaction();
                });
                assertCausedByOneOf(failure, ProducerFencedException.class, InvalidProducerEpochException.class);

                successor.beginTransaction();
                successor.send(new ProducerRecord<>(topic, 0, null, "successor-1"));
                successor.commitTransaction();
                // Reading up to the LSO past the successor's commit proves the zombie left no open transaction behind.
                assertEquals(List.of("successor-1"), readAll(committedReader, List.of(tp), 1, Duration.ofSeconds(30)));
            }
        } finally {
            zombie.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void theCoordinatorAbortsATransactionThatTimesOut() throws Exception {
        final String topic = "txn-timeout";
        broker.createTopic(topic, 1);
        final TopicPartition tp = new TopicPartition(topic, 0);
        Clients.produceValues(broker, topic, 1, 1, "before-");
        final KafkaProducer<String, String> producer = transactionalProducer("tx-timeout", "transaction.timeout.ms", 2000);
        try (KafkaConsumer<String, String> committedReader = reader(READ_COMMITTED)) {
            producer.initTransactions();
            producer.beginTransaction();
            final long offset = producer.send(new ProducerRecord<>(topic, 0, null, "doomed")).get(30, TimeUnit.SECONDS)
                    .offset();
            // The producer does nothing more; the coordinator aborts after 2 s.
            await("the timed-out transaction is aborted: the LSO passes its record").atMost(Duration.ofSeconds(30))
                    .pollInSameThread().until(() -> endOffset(committedReader, tp) > offset);
            assertEquals(List.of("before-0"), readAll(committedReader, List.of(tp), 1, Duration.ofSeconds(30)));

            final Throwable failure = failureOf(producer::commitTransaction);
            assertCausedByOneOf(failure, ProducerFencedException.class, InvalidProducerEpochException.class,
                    InvalidTxnStateException.class);
            assertEquals(List.of("before-0"), readAll(topic, 1, READ_COMMITTED, 1), "still aborted after the commit attempt");
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void committedTransactionsSurviveARestartAndAnOpenOneIsAbortedByItsTimeout() throws Exception {
        final String topic = "txn-restart";
        broker.createTopic(topic, 2);
        final List<String> before = values("before-", 6);
        final List<String> open = values("open-", 6);
        final List<String> after = values("after-", 6);
        final Map<Integer, Long> lastOpenOffset = new HashMap<>();
        final KafkaProducer<String, String> committer = transactionalProducer("tx-restart-committer");
        final KafkaProducer<String, String> abandoned = transactionalProducer("tx-restart-abandoned",
                "transaction.timeout.ms", 10000);
        try {
            committer.initTransactions();
            abandoned.initTransactions();
            committer.beginTransaction();
            sendRoundRobin(committer, topic, 2, before);
            committer.commitTransaction();
            // Left open: the producer is never closed before the broker stops.
            abandoned.beginTransaction();
            for (final RecordMetadata m : sendRoundRobin(abandoned, topic, 2, open)) {
                lastOpenOffset.merge(m.partition(), m.offset(), Math::max);
            }
            // Committed after the open transaction began: its records lie behind the open ones in both partitions.
            committer.beginTransaction();
            sendRoundRobin(committer, topic, 2, after);
            committer.commitTransaction();
        } finally {
            committer.close(Duration.ofSeconds(5));
        }

        broker.restart();   // a new port: the abandoned producer cannot reach the broker any more
        try {
            // Below the open transaction: readable at once.
            assertSameValues(before, readAll(topic, 2, READ_COMMITTED, before.size()));
            try (KafkaConsumer<String, String> committedReader = reader(READ_COMMITTED)) {
                await("the open transaction times out after the restart: the LSO passes it").atMost(Duration.ofSeconds(60))
                        .pollInSameThread().until(() -> lastOpenOffset.entrySet().stream().allMatch(e ->
                                endOffset(committedReader, new TopicPartition(topic, e.getKey())) > e.getValue()));
            }
            assertSameValues(concat(before, after), readAll(topic, 2, READ_COMMITTED, 12));
            assertSameValues(concat(before, open, after), readAll(topic, 2, READ_UNCOMMITTED, 18));
        } finally {
            abandoned.close(Duration.ZERO);
        }
    }

    /** Transactions of one transactional id, one value each, until told to stop; the committed values go to {@code committed}. */
    private static Callable<Void> transactions(final String transactionalId, final String topic, final AtomicBoolean stop,
            final Queue<String> committed) {
        return () -> {
            try (KafkaProducer<String, String> producer = transactionalProducer(transactionalId)) {
                producer.initTransactions();
                for (int n = 0; !stop.get(); n++) {
                    final String value = transactionalId + "-" + n;
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(topic, 0, null, value));
                    producer.commitTransaction();
                    committed.add(value);
                }
            }
            return null;
        };
    }

    /** Runs the tasks until {@code until} holds (within the timeout), then stops them and fails with a task's failure. */
    private static void runUntil(final List<Callable<Void>> tasks, final AtomicBoolean stop, final String what,
            final Duration timeout, final Callable<Boolean> until) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        final List<Future<Void>> running = new ArrayList<>();
        try {
            tasks.forEach(t -> running.add(pool.submit(t)));
            await(what).atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(500))
                    .until(() -> BackgroundTasks.allRunning(running, "a transactional producer") && until.call());
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        for (final Future<Void> t : running) {
            t.get(60, TimeUnit.SECONDS);
        }
    }

    private static long endOffset(final TopicPartition tp) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker)) {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    /** The records of these transactional ids (the record key) among {@code records}. */
    private static List<ConsumerRecord<byte[], byte[]>> ofIds(final List<ConsumerRecord<byte[], byte[]>> records,
            final List<String> transactionalIds) {
        return records.stream().filter(r -> transactionalIds.contains(key(r))).toList();
    }

    /** A {@code __transaction_state} record's key: its transactional id. */
    private static String key(final ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * {@code __transaction_state} is compacted by the log cleaner (this class's broker: 16 KiB segments, 200 ms cleaner
     * backoff) while three transactional ids of one state partition run transactions flat out: a plain consumer of the
     * partition sees far fewer records than offsets. Then one id opens a transaction and is left as a zombie, and the
     * other two go on until the zombie's record lies in cleaned segments: of the ids' records written up to then, only
     * the zombie's newest is left. After a restart (which replays the compacted partition) a producer with the zombie's
     * transactional id initializes with the same producer id and a higher epoch, aborting the zombie's transaction;
     * the zombie's epoch is fenced; every committed value, and nothing of the zombie, is read_committed-visible.
     */
    @Test
    void transactionalIdsSurviveTheCompactionOfTheirStatePartitionAndARestart() throws Exception {
        final String topic = "txn-compacted";
        broker.createTopic(topic, 1);
        final TopicPartition tp = new TopicPartition(topic, 0);
        // Three transactional ids of one __transaction_state partition.
        final List<String> ids = new ArrayList<>();
        final int statePartitionIndex = Utils.abs("tx-compacted-0".hashCode()) % STATE_PARTITIONS;
        for (int i = 0; ids.size() < 3; i++) {
            if (Utils.abs(("tx-compacted-" + i).hashCode()) % STATE_PARTITIONS == statePartitionIndex) {
                ids.add("tx-compacted-" + i);
            }
        }
        final TopicPartition statePartition = new TopicPartition("__transaction_state", statePartitionIndex);
        final String zombieId = ids.get(0);
        final Queue<String> committed = new ConcurrentLinkedQueue<>();
        try (KafkaProducer<String, String> creator = transactionalProducer(zombieId)) {
            creator.initTransactions();   // creates __transaction_state if no test did yet
        }
        try (Admin admin = Admin.create(broker.clientProperties())) {
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "__transaction_state");
            final Config config = admin.describeConfigs(List.of(resource)).values().get(resource).get(30, TimeUnit.SECONDS);
            assertEquals("compact", config.get("cleanup.policy").value());
            assertEquals(Integer.toString(STATE_SEGMENT_BYTES), config.get("segment.bytes").value());
        }
        final long first = endOffset(statePartition);   // the other tests' records lie below

        // Each transaction writes three records (open, prepare, complete), ~120 to a segment: 600 are five segments.
        final AtomicBoolean stop = new AtomicBoolean();
        runUntil(ids.stream().map(id -> transactions(id, topic, stop, committed)).toList(), stop,
                "the cleaner compacts the state partition while the transactions go on", Duration.ofSeconds(90), () -> {
                    final PartitionView view = PartitionView.read(broker, statePartition);
                    final long written = view.end() - first;
                    return written >= 600 && view.between(first, view.end()).size() * 4 < written;
                });

        final KafkaProducer<String, String> zombie = transactionalProducer(zombieId, "transaction.timeout.ms", 120_000);
        try {
            zombie.initTransactions();
            zombie.beginTransaction();
            final long zombieOffset = zombie.send(new ProducerRecord<>(topic, 0, null, "zombie")).get(30, TimeUnit.SECONDS)
                    .offset();
            final ProducerState zombieState;
            try (Admin admin = Admin.create(broker.clientProperties())) {
                zombieState = admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS)
                        .activeProducers().stream()
                        .filter(p -> p.currentTransactionStartOffset().orElse(-1) == zombieOffset).findFirst().orElseThrow();
            }
            final long last = endOffset(statePartition);   // the zombie's open transaction lies below

            // The zombie's record is in the active segment: the other two ids write until it is in a cleaned one.
            final AtomicBoolean stopOthers = new AtomicBoolean();
            runUntil(ids.subList(1, 3).stream().map(id -> transactions(id, topic, stopOthers, committed)).toList(),
                    stopOthers, "the zombie's open transaction is in a cleaned segment", Duration.ofSeconds(60),
                    () -> ofIds(PartitionView.read(broker, statePartition).between(first, last), ids).size() <= 1);
            final List<ConsumerRecord<byte[], byte[]>> survivors =
                    ofIds(PartitionView.read(broker, statePartition).between(first, last), ids);
            assertEquals(List.of(zombieId), survivors.stream().map(TransactionsIT::key).toList(),
                    "of the ids' records below " + last);

            broker.restart();   // a new port: the zombie cannot reach the broker any more
            assertEquals(survivors.stream().map(ConsumerRecord::offset).toList(),
                    ofIds(PartitionView.read(broker, statePartition).between(first, last), ids).stream()
                            .map(ConsumerRecord::offset).toList(), "the compacted state partition after the restart");

            try (KafkaProducer<String, String> successor = transactionalProducer(zombieId)) {
                successor.initTransactions();   // aborts the zombie's transaction
                successor.beginTransaction();
                successor.send(new ProducerRecord<>(topic, 0, null, "successor"));
                successor.commitTransaction();
            }
            try (Admin admin = Admin.create(broker.clientProperties())) {
                final ProducerState successorState = admin.describeProducers(List.of(tp)).partitionResult(tp)
                        .get(30, TimeUnit.SECONDS).activeProducers().stream()
                        .filter(p -> p.producerId() == zombieState.producerId()).findFirst()
                        .orElseThrow(() -> new AssertionError("the successor kept the zombie's producer id "
                                + zombieState.producerId()));
                // Had the coordinator lost the id, the successor would have a new producer id and this entry would
                // still be the zombie's, its transaction open.
                assertTrue(successorState.producerEpoch() > zombieState.producerEpoch()
                        && successorState.currentTransactionStartOffset().isEmpty(),
                        "the zombie's producer id with a bumped epoch, no transaction open: " + zombieState + " -> "
                                + successorState);
            }
            // The zombie's epoch is fenced at the coordinator (had it lost the id: INVALID_PRODUCER_ID_MAPPING).
            try (RawConnection c = new RawConnection(broker.node().kafkaPort())) {
                final EndTxnResponse response = (EndTxnResponse) c.roundTrip(new EndTxnRequest.Builder(new EndTxnRequestData()
                        .setTransactionalId(zombieId).setProducerId(zombieState.producerId())
                        .setProducerEpoch((short) zombieState.producerEpoch()).setCommitted(true), false).build((short) 4));
                assertEquals(Errors.PRODUCER_FENCED, Errors.forCode(response.data().errorCode()));
            }
        } finally {
            zombie.close(Duration.ZERO);
        }
        final List<String> expected = concat(new ArrayList<>(committed), List.of("successor"));
        assertSameValues(expected, readAll(topic, 1, READ_COMMITTED, expected.size()));
        assertEquals(expected.size() + 1, readAll(topic, 1, READ_UNCOMMITTED, expected.size() + 1).size(),
                "and the zombie's aborted value");
    }

    /**
     * KIP-890 part 1: a transactional batch that arrives after its transaction was aborted (a request delayed in the
     * network, replayed here by hand with the producer's id, epoch and next sequence) is refused, and the last stable
     * offset does not hang behind it.
     */
    @Test
    void aBatchArrivingAfterItsTransactionEndedIsRefusedAndTheLsoDoesNotHang() throws Exception {
        final String topic = "txn-late-batch";
        broker.createTopic(topic, 1);
        final TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-late")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted")).get(30, TimeUnit.SECONDS);
            producer.abortTransaction();
            final ProducerState state;
            try (Admin admin = Admin.create(broker.clientProperties())) {
                state = admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS)
                        .activeProducers().get(0);
            }
            final org.apache.kafka.common.record.MemoryRecords late = org.apache.kafka.common.record.MemoryRecords
                    .withTransactionalRecords(org.apache.kafka.common.compress.Compression.NONE, state.producerId(),
                            (short) state.producerEpoch(), state.lastSequence() + 1,
                            new org.apache.kafka.common.record.SimpleRecord("k".getBytes(), "late".getBytes()));
            final org.apache.kafka.common.message.ProduceRequestData data = new org.apache.kafka.common.message.ProduceRequestData()
                    .setTransactionalId("tx-late").setAcks((short) -1).setTimeoutMs(10_000);
            data.topicData().add(new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName(topic)
                    .setPartitionData(List.of(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
                            .setIndex(0).setRecords(late))));
            try (RawConnection c = new RawConnection(broker.node().kafkaPort())) {
                final org.apache.kafka.common.requests.ProduceResponse response = (org.apache.kafka.common.requests.ProduceResponse)
                        c.roundTrip(new org.apache.kafka.common.requests.ProduceRequest.Builder((short) 9, (short) 9, data)
                                .build((short) 9));
                assertEquals(org.apache.kafka.common.protocol.Errors.INVALID_TXN_STATE.code(), response.data().responses()
                        .iterator().next().partitionResponses().get(0).errorCode());
            }
            try (KafkaConsumer<String, String> committed = reader(READ_COMMITTED);
                    KafkaConsumer<String, String> uncommitted = reader(READ_UNCOMMITTED)) {
                await("the last stable offset reaches the end").atMost(Duration.ofSeconds(10)).pollInSameThread()
                        .until(() -> endOffset(committed, tp) == endOffset(uncommitted, tp));
            }
            // The producer itself goes on.
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed")).get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        assertEquals(List.of("committed"), readAll(topic, 1, READ_COMMITTED, 1));
    }

    /**
     * A producer pipelines many small batches per partition (five requests in flight): the first batch of each
     * partition waits for the coordinator's check, and the ones behind it must still arrive in order.
     */
    @Test
    void pipelinedBatchesOfLargeTransactionsArriveInOrder() throws Exception {
        final String topic = "txn-pipelined";
        broker.createTopic(topic, 6);
        final int perTransaction = 3_000;
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-pipelined", "linger.ms", "0",
                "batch.size", "512", "max.in.flight.requests.per.connection", "5")) {
            producer.initTransactions();
            for (int txn = 0; txn < 3; txn++) {
                producer.beginTransaction();
                for (int i = 0; i < perTransaction; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 6, null, "t" + txn + "-" + i));
                }
                producer.commitTransaction();
            }
        }
        final List<String> read = readAll(topic, 6, READ_COMMITTED, 3 * perTransaction);
        assertEquals(3 * perTransaction, read.size());
        assertEquals(3 * perTransaction, new java.util.HashSet<>(read).size(), "each record once");
    }

    // --- clients -----------------------------------------------------------------------------------------------------

    private static KafkaProducer<String, String> transactionalProducer(final String transactionalId, final Object... extra) {
        return Clients.producer(broker, transactionalSettings(transactionalId, extra));
    }

    /** Producer settings of a transactional producer; {@code extra} overrides. */
    static Object[] transactionalSettings(final String transactionalId, final Object... extra) {
        final List<Object> settings = new ArrayList<>(List.of(
                "transactional.id", transactionalId,
                "acks", "all",
                "max.block.ms", "30000",
                "delivery.timeout.ms", "30000",
                "request.timeout.ms", "10000"));
        settings.addAll(Arrays.asList(extra));
        return settings.toArray();
    }

    /** A consumer without a group (assign + seek), at the given isolation level. */
    private static KafkaConsumer<String, String> reader(final String isolation) {
        return Clients.consumer(broker, "isolation.level", isolation, "auto.offset.reset", "earliest");
    }

    private static KafkaConsumer<String, String> groupMember(final String group) {
        return Clients.consumer(broker, "group.id", group, "auto.offset.reset", "earliest",
                "isolation.level", READ_COMMITTED, "session.timeout.ms", "6000", "heartbeat.interval.ms", "500");
    }

    /** Every value a fresh consumer at this isolation level reads from the whole topic. */
    private static List<String> readAll(final String topic, final int partitions, final String isolation,
            final int atLeast) {
        try (KafkaConsumer<String, String> consumer = reader(isolation)) {
            return readAll(consumer, partitions(topic, partitions), atLeast, Duration.ofSeconds(30));
        }
    }

    static List<String> readAll(final KafkaConsumer<String, String> consumer, final List<TopicPartition> partitions,
            final int atLeast, final Duration timeout) {
        return readAll(consumer, partitions, atLeast, timeout, true);
    }

    /**
     * Reads (from the beginning, if {@code fromStart}) until at least {@code atLeast} values have arrived and the
     * consumer's position has reached the end offset of every partition: the last stable offset for read_committed,
     * the high watermark for read_uncommitted. Returns every value read, so extras and duplicates show.
     */
    static List<String> readAll(final KafkaConsumer<String, String> consumer, final List<TopicPartition> partitions,
            final int atLeast, final Duration timeout, final boolean fromStart) {
        if (fromStart) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        final List<String> values = new ArrayList<>();
        await("reading " + partitions).atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> {
                    for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(r.value());
                    }
                    assertTrue(values.size() >= atLeast, "read " + values.size() + " of " + atLeast + ": " + values);
                    final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                    for (final TopicPartition tp : partitions) {
                        assertTrue(consumer.position(tp) >= ends.get(tp),
                                tp + " at " + consumer.position(tp) + ", end " + ends.get(tp) + "; read " + values);
                    }
                });
        return values;
    }

    /** Polls for the whole window and returns what arrived: for asserting that nothing (more) is readable. */
    static List<String> pollFor(final KafkaConsumer<String, String> consumer, final Duration window) {
        final List<String> values = new ArrayList<>();
        final long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                values.add(r.value());
            }
        }
        return values;
    }

    /** Polls a group member until {@code count} records have arrived. */
    private static List<ConsumerRecord<String, String>> pollRecords(final KafkaConsumer<String, String> consumer,
            final int count) {
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        await("polling " + count + " records").atMost(Duration.ofSeconds(30)).pollInSameThread()
                .pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                    assertTrue(records.size() >= count, "polled " + records.size() + " of " + count);
                });
        assertEquals(count, records.size(), "no more than the records produced");
        return records;
    }

    /** The consumer's end offset at its isolation level (ListOffsets latest: LSO or high watermark). */
    static long endOffset(final KafkaConsumer<String, String> consumer, final TopicPartition tp) {
        return consumer.endOffsets(List.of(tp)).get(tp);
    }

    /** The group's committed offsets, stable ones only (KIP-447 require_stable: none awaiting a transaction's end). */
    private static Map<TopicPartition, Long> committedOffsets(final Admin admin, final String group) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group,
                        new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset(), (a, b) -> a, java.util.HashMap::new));
    }

    // --- values ------------------------------------------------------------------------------------------------------

    /** Sends the values to partitions 0, 1, .. in turn and waits for every acknowledgement. */
    static List<RecordMetadata> sendRoundRobin(final KafkaProducer<String, String> producer, final String topic,
            final int partitions, final List<String> values) throws Exception {
        final List<java.util.concurrent.Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            sends.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, values.get(i))));
        }
        final List<RecordMetadata> acks = new ArrayList<>();
        for (final java.util.concurrent.Future<RecordMetadata> s : sends) {
            acks.add(s.get(60, TimeUnit.SECONDS));
        }
        return acks;
    }

    static List<TopicPartition> partitions(final String topic, final int count) {
        final List<TopicPartition> partitions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            partitions.add(new TopicPartition(topic, i));
        }
        return partitions;
    }

    static List<String> values(final String prefix, final int count) {
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }

    @SafeVarargs
    static List<String> concat(final List<String>... lists) {
        final List<String> all = new ArrayList<>();
        for (final List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private static String transform(final String value) {
        return "out-" + value;
    }

    private static List<String> transform(final List<String> values) {
        return values.stream().map(TransactionsIT::transform).toList();
    }

    /** The same values, each as often (order across partitions is not defined). */
    static void assertSameValues(final List<String> expected, final List<String> actual) {
        assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList(),
                "values read (sorted); read in order: " + actual);
    }

    // --- failures ----------------------------------------------------------------------------------------------------

    interface Action {
        void run() throws Exception;
    }

    /** What the action threw; fails if it completed. */
    static Throwable failureOf(final Action action) {
        try {
            action.run();
        } catch (Exception e) {
            return e;
        }
        return fail("expected a failure, but it succeeded");
    }

    /** The failure or one of its causes is one of the types (kafka-clients wraps them in KafkaException at times). */
    @SafeVarargs
    static void assertCausedByOneOf(final Throwable failure, final Class<? extends Throwable>... types) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (final Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        final java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(trace));
        fail("expected one of " + Arrays.stream(types).map(Class::getSimpleName).toList() + " in the cause chain, got "
                + trace);
    }
}
