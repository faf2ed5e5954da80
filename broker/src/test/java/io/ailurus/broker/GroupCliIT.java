package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ailurus group ...} run in-process (picocli, captured output) against a live broker and a real consumer. */
@Timeout(180)
class GroupCliIT {

    private static final String TOPIC = "cli-orders";
    private static final String GROUP = "cli-app";

    @TempDir
    static Path dataDir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of(
                "ailurus.groups.initial-rebalance-delay", "0s",
                "ailurus.groups.min-session-timeout", "1s",
                "ailurus.groups.offsets-topic-partitions", 4));
        broker.node().services().topics().create(TOPIC, 2, (short) 1, Map.of(), false).get();
        broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
        produce(0, 10);
        produce(1, 10);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static void produce(final int partition, final int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, partition, null, "v" + i)).get();
            }
        }
    }

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

    @Test
    void listDescribeResetAndDeleteAGroup() throws Exception {
        final TopicPartition p0 = new TopicPartition(TOPIC, 0);
        final TopicPartition p1 = new TopicPartition(TOPIC, 1);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker, "group.id", GROUP,
                "client.id", "cli-client", "auto.offset.reset", "earliest", "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "500")) {
            consumer.subscribe(List.of(TOPIC));
            int read = 0;
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read < 20 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(20, read);
            consumer.commitSync(Map.of(p0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(6)));
            final String memberId = consumer.groupMetadata().memberId();

            // list, with and without a state filter
            final CliRun list = ok("group", "list");
            assertEquals(List.of("GROUP", "TYPE", "STATE"), list.row("GROUP"));
            assertEquals(List.of(GROUP, "classic", "Stable"), list.row(GROUP));
            assertTrue(ok("group", "list", "--state", "stable").hasRow(GROUP));
            assertFalse(ok("group", "list", "--state", "Empty").hasRow(GROUP));

            // describe: state, then per partition current, log end, lag and owner
            final CliRun described = ok("group", "describe", GROUP);
            assertTrue(described.out().startsWith("Group: " + GROUP + "\tState: Stable\tType: classic\tAssignor: range"
                    + "\tMembers: 1\tCoordinator: "), described.out());
            assertEquals(List.of("TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
                    "CLIENT-ID"), described.row("TOPIC"));
            assertEquals(List.of(TOPIC, "0", "10", "10", "0", memberId, "/127.0.0.1", "cli-client"), described.row(TOPIC, "0"));
            assertEquals(List.of(TOPIC, "1", "6", "10", "4", memberId, "/127.0.0.1", "cli-client"), described.row(TOPIC, "1"));

            // what only an empty group allows is refused while the consumer is active
            final CliRun notEmpty = cli("group", "delete", GROUP);
            assertEquals(1, notEmpty.exit());
            assertEquals("error: group '" + GROUP + "' is not empty: it has active members (stop its consumers first)\n",
                    notEmpty.err().replace(System.lineSeparator(), "\n"));
            final CliRun dryRun = ok("group", "reset-offsets", GROUP, "--topic", TOPIC, "--to-earliest");
            assertEquals(List.of(TOPIC, "0", "10", "0"), dryRun.row(TOPIC, "0"));
            assertEquals(List.of(TOPIC, "1", "6", "0"), dryRun.row(TOPIC, "1"));
            assertTrue(dryRun.err().contains("would be refused while group '" + GROUP + "' is Stable"), dryRun.err());
            final CliRun refused = cli("group", "reset-offsets", GROUP, "--topic", TOPIC, "--to-earliest", "--execute");
            assertEquals(1, refused.exit());
            assertTrue(refused.err().startsWith("error: cannot reset the offsets of group '" + GROUP + "': it is Stable"),
                    refused.err());
            assertEquals("", refused.out());
            assertEquals(List.of(TOPIC, "1", "6", "10", "4"), ok("group", "describe", GROUP).row(TOPIC, "1").subList(0, 5),
                    "nothing changed");
        }
        // The consumer left: the group is empty and keeps its offsets.
        assertEquals(List.of(GROUP, "classic", "Empty"), ok("group", "list", "--state", "Empty").row(GROUP));
        final CliRun empty = ok("group", "describe", GROUP);
        assertTrue(empty.out().contains("State: Empty"), empty.out());
        assertEquals(List.of(TOPIC, "1", "6", "10", "4", "-", "-", "-"), empty.row(TOPIC, "1"));

        // --to-offset: a dry run changes nothing, --execute commits
        final CliRun planned = ok("group", "reset-offsets", GROUP, "--topic", TOPIC, "--to-offset", "3");
        assertEquals(List.of("TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET"), planned.row("TOPIC"));
        assertEquals(List.of(TOPIC, "0", "10", "3"), planned.row(TOPIC, "0"));
        assertTrue(planned.err().contains("dry run: nothing changed; add --execute"), planned.err());
        assertEquals(List.of(TOPIC, "0", "10"), ok("group", "describe", GROUP).row(TOPIC, "0").subList(0, 3));
        final CliRun executed = ok("group", "reset-offsets", GROUP, "--topic", TOPIC, "--to-offset", "3", "--execute");
        assertEquals(List.of(TOPIC, "1", "6", "3"), executed.row(TOPIC, "1"));
        assertTrue(executed.err().contains("reset the offsets of group '" + GROUP + "' on 2 partitions"), executed.err());
        final CliRun afterOffset = ok("group", "describe", GROUP);
        assertEquals(List.of(TOPIC, "0", "3", "10", "7"), afterOffset.row(TOPIC, "0").subList(0, 5));
        assertEquals(List.of(TOPIC, "1", "3", "10", "7"), afterOffset.row(TOPIC, "1").subList(0, 5));

        // --to-datetime: the first record at or after the time; the end where there is none
        Thread.sleep(20);
        final long mark = System.currentTimeMillis();
        Thread.sleep(20);
        produce(0, 5);
        final CliRun byTime = ok("group", "reset-offsets", GROUP, "--topic", TOPIC, "--to-datetime",
                Instant.ofEpochMilli(mark).toString(), "--execute");
        assertEquals(List.of(TOPIC, "0", "3", "10"), byTime.row(TOPIC, "0"));
        assertEquals(List.of(TOPIC, "1", "3", "10"), byTime.row(TOPIC, "1"));
        assertEquals(List.of(TOPIC, "0", "10", "15", "5"), ok("group", "describe", GROUP).row(TOPIC, "0").subList(0, 5));
        assertEquals(List.of(TOPIC, "0", "10", "10"),
                ok("group", "reset-offsets", GROUP, "--topic", TOPIC, "--to-datetime", Long.toString(mark)).row(TOPIC, "0"));

        // --to-latest on one partition, --to-earliest on all the group has offsets for
        final CliRun latest = ok("group", "reset-offsets", GROUP, "--topic", TOPIC + ":0", "--to-latest", "--execute");
        assertEquals(List.of(TOPIC, "0", "10", "15"), latest.row(TOPIC, "0"));
        assertFalse(latest.hasRow(TOPIC, "1"));
        final CliRun earliest = ok("group", "reset-offsets", GROUP, "--all-topics", "--to-earliest");
        assertEquals(List.of(TOPIC, "0", "15", "0"), earliest.row(TOPIC, "0"));
        assertEquals(List.of(TOPIC, "1", "10", "0"), earliest.row(TOPIC, "1"));

        // errors a person can act on
        final CliRun noTopic = cli("group", "reset-offsets", GROUP, "--topic", "no-such-topic", "--to-latest");
        assertEquals(1, noTopic.exit());
        assertTrue(noTopic.err().contains("topic 'no-such-topic' does not exist"), noTopic.err());
        final CliRun noPartition = cli("group", "reset-offsets", GROUP, "--topic", TOPIC + ":7", "--to-latest");
        assertEquals(1, noPartition.exit());
        assertTrue(noPartition.err().contains("there is no partition 7"), noPartition.err());
        final CliRun noGroup = cli("group", "describe", "no-such-group");
        assertEquals(1, noGroup.exit());
        assertEquals("error: group 'no-such-group' does not exist\n", noGroup.err().replace(System.lineSeparator(), "\n"));

        // delete: the group and its offsets go
        assertEquals("deleted group '" + GROUP + "'\n", ok("group", "delete", GROUP).out().replace(System.lineSeparator(), "\n"));
        assertFalse(ok("group", "list").hasRow(GROUP));
        assertEquals(1, cli("group", "delete", GROUP).exit());
        assertTrue(ok("group", "delete", GROUP, "--if-exists").out().contains("does not exist"));
        assertEquals(1, cli("group", "describe", GROUP).exit());
    }

    @Test
    void resettingOffsetsOfAGroupThatDoesNotExistCreatesIt() {
        final CliRun created = ok("group", "reset-offsets", "cli-new-group", "--topic", TOPIC, "--to-offset", "2", "--execute");
        assertEquals(List.of(TOPIC, "0", "-", "2"), created.row(TOPIC, "0"));
        final CliRun described = ok("group", "describe", "cli-new-group");
        assertTrue(described.out().contains("State: Empty\tType: simple"), described.out());
        assertEquals(List.of(TOPIC, "1", "2", "10", "8", "-", "-", "-"), described.row(TOPIC, "1"));
        assertEquals(List.of("cli-new-group", "simple", "Empty"), ok("group", "list").row("cli-new-group"));
    }
}
