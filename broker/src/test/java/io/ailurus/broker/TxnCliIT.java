package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ailurus txn ...} against a live broker and a real transactional producer: the commands a person types while a
 * transaction is open run as a separate process (as {@link CliIT}), the rest in-process (as {@link GroupCliIT}).
 */
@Timeout(180)
class TxnCliIT {

    private static final String TOPIC = "cli-txn";
    private static final String TXN_ID = "cli-tx";

    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of("ailurus.transactions.state-topic-partitions", 4));
        broker.createTopic(TOPIC, 2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** In-process, output captured. */
    static CliRun cli(final String... args) {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-b", broker.bootstrap(), "--timeout", "10000"));
        return CliRun.inProcess(all);
    }

    static CliRun ok(final String... args) {
        final CliRun run = cli(args);
        assertEquals(0, run.exit(), "ailurus " + String.join(" ", args) + ": " + run.err());
        return run;
    }

    /** As a user runs it: its own JVM, exit code and the bytes on stdout and stderr. */
    static CliRun process(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), "io.ailurus.broker.Ailurus"));
        command.addAll(List.of(args));
        command.addAll(List.of("-b", broker.bootstrap(), "--timeout", "10000"));
        final Path out = Files.createTempFile(work, "out", ".txt");
        final Path err = Files.createTempFile(work, "err", ".txt");
        final Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ailurus " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void listAndDescribeAnOpenThenACommittedTransaction() throws Exception {
        // Two plain records first, so that the transaction starts at offset 2 in partition 0.
        try (KafkaProducer<String, String> plain = Clients.producer(broker)) {
            plain.send(new ProducerRecord<>(TOPIC, 0, null, "plain-0")).get();
            plain.send(new ProducerRecord<>(TOPIC, 0, null, "plain-1")).get();
        }
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "transactional.id", TXN_ID,
                "transaction.timeout.ms", "45000")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "t-0")).get();
            producer.send(new ProducerRecord<>(TOPIC, 1, null, "t-1")).get();

            // Open: list and describe as a person runs them
            final CliRun list = process("txn", "list");
            assertEquals(0, list.exit(), list.err());
            assertEquals(List.of("TRANSACTIONAL-ID", "PRODUCER-ID", "STATE"), list.row("TRANSACTIONAL-ID"));
            final List<String> listed = list.row(TXN_ID);
            assertEquals("Ongoing", listed.get(2), list.out());
            final String producerId = listed.get(1);
            assertTrue(producerId.matches("\\d+"), list.out());

            final CliRun described = process("txn", "describe", TXN_ID);
            assertEquals(0, described.exit(), described.err());
            final String header = described.lines().get(0);
            assertTrue(header.startsWith("Transaction: " + TXN_ID + "\tState: Ongoing\tProducerId: " + producerId
                    + "\tProducerEpoch: 0\tTimeoutMs: 45000\tStarted: "), header);
            assertTrue(header.matches(".*\tStarted: \\d{4}-\\d\\d-\\d\\dT[^\t]+Z\tDurationMs: \\d+\tCoordinator: \\d+"),
                    header);
            assertEquals(List.of("TOPIC", "PARTITION", "START-OFFSET"), described.row("TOPIC"));
            assertEquals(List.of(TOPIC, "0", "2"), described.row(TOPIC, "0"));
            assertEquals(List.of(TOPIC, "1", "0"), described.row(TOPIC, "1"));

            assertTrue(ok("txn", "list", "--state", "ongoing").hasRow(TXN_ID));
            assertFalse(ok("txn", "list", "--state", "CompleteCommit").hasRow(TXN_ID));

            // The partition's producers: the plain (idempotent) one without, the transactional one with a start
            final CliRun producers = ok("txn", "describe-producers", "--topic", TOPIC, "--partition", "0");
            assertEquals(List.of("TOPIC", "PARTITION", "PRODUCER-ID", "EPOCH", "LAST-SEQUENCE", "LAST-TIMESTAMP",
                    "TXN-START-OFFSET"), producers.row("TOPIC"));
            assertEquals(List.of(TOPIC, "0", producerId, "0", "0"), producers.row(TOPIC, "0", producerId).subList(0, 5));
            assertEquals("2", producers.row(TOPIC, "0", producerId).get(6));
            assertEquals(3, producers.lines().size(), "header, plain producer, transactional producer:\n" + producers.out());
            assertEquals(List.of(TOPIC, "1", producerId, "0", "0"),
                    ok("txn", "describe-producers", "-t", TOPIC).row(TOPIC, "1", producerId).subList(0, 5));

            producer.commitTransaction();

            // The markers are written after the commit returns: CompleteCommit follows shortly.
            await("CompleteCommit").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(
                    () -> ok("txn", "list").row(TXN_ID).get(2).equals("CompleteCommit"));
            assertEquals(List.of(TXN_ID, producerId, "CompleteCommit"),
                    ok("txn", "list", "--state", "completecommit").row(TXN_ID));
            final CliRun committed = ok("txn", "describe", TXN_ID);
            assertTrue(committed.out().startsWith("Transaction: " + TXN_ID + "\tState: CompleteCommit\tProducerId: "
                    + producerId + "\tProducerEpoch: 0\tTimeoutMs: 45000\t"), committed.out());
            assertTrue(committed.lines().get(0).contains("\tDurationMs: -\t"), committed.out());
            assertEquals("-", ok("txn", "describe-producers", "-t", TOPIC, "-p", "0").row(TOPIC, "0", producerId).get(6),
                    "no open transaction");
        }
    }

    @Test
    void unknownIdsTopicsAndPartitionsAreOneLineErrors() throws Exception {
        final CliRun unknown = process("txn", "describe", "no-such-tx");
        assertEquals(1, unknown.exit());
        assertEquals("", unknown.out());
        assertEquals("error: transactional id 'no-such-tx' does not exist\n", unknown.errText());

        final CliRun noTopic = cli("txn", "describe-producers", "--topic", "no-such-topic");
        assertEquals(1, noTopic.exit());
        assertEquals("error: topic 'no-such-topic' does not exist\n", noTopic.errText());
        final CliRun noPartition = cli("txn", "describe-producers", "--topic", TOPIC, "--partition", "7");
        assertEquals(1, noPartition.exit());
        assertEquals("error: topic '" + TOPIC + "' has 2 partitions; there is no partition 7\n", noPartition.errText());
    }

    @Test
    void describingSeveralIdsReportsEachUnknownOneAndGoesOn() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "transactional.id", "cli-tx-idle")) {
            producer.initTransactions();
        }
        final CliRun run = cli("txn", "describe", "cli-tx-missing", "cli-tx-idle");
        assertEquals(1, run.exit());
        assertEquals("error: transactional id 'cli-tx-missing' does not exist\n", run.errText());
        assertTrue(run.out().startsWith("Transaction: cli-tx-idle\tState: Empty\t"), run.out());
        assertTrue(run.out().endsWith("(no partitions in the transaction)\n"), run.out());
    }
}
