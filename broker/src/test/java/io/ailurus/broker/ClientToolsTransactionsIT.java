package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * Transactions from clients that are not kafka-clients, as their users run them: kcat (librdkafka) and kafkajs, each a
 * separate process against a live broker. Neither tool is optional: a machine without them fails here with how to
 * install them (.ci/run installs them for CI).
 */
@Timeout(300)   // a first run also installs kafkajs with npm
class ClientToolsTransactionsIT {

    static final String KAFKAJS_VERSION = "2.2.4";

    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir, Map.of(
                "ailurus.groups.initial-rebalance-delay", "0s",
                "ailurus.groups.offsets-topic-partitions", 4,
                "ailurus.transactions.state-topic-partitions", 4));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kcatCommitsItsLinesAsOneTransactionAndSkipsAbortedOnes() throws Exception {
        final String kcat = onPath("kcat", "install it with `apt-get install kcat` (Debian/Ubuntu)").toString();
        final String topic = "kcat-txn";
        broker.createTopic(topic, 1);
        // An aborted transaction first, so that read_committed has something to skip.
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "transactional.id", "kcat-aborter")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, "aborted-1"));
            producer.send(new ProducerRecord<>(topic, 0, null, "aborted-2"));
            producer.flush();
            producer.abortTransaction();
        }

        final Run produced = run(List.of(kcat, "-P", "-b", broker.bootstrap(), "-t", topic,
                "-X", "transactional.id=kcat-tx"), "one\ntwo\nthree\n", Map.of(), Duration.ofSeconds(30));
        assertEquals(0, produced.exit(), produced.err());
        assertTrue(produced.err().contains("% Transaction successfully committed"), produced.err());

        final List<String> consume = List.of(kcat, "-C", "-b", broker.bootstrap(), "-t", topic, "-o", "beginning",
                "-f", "%s\\n", "-X", "isolation.level=read_committed");
        // -c 3 waits for the three (the markers are written just after the commit returns) ...
        final Run firstThree = run(concat(consume, "-c", "3"), null, Map.of(), Duration.ofSeconds(30));
        assertEquals(0, firstThree.exit(), firstThree.err());
        assertEquals(List.of("one", "two", "three"), firstThree.out().lines().toList());
        // ... and -e reads to the end: they are there once, the aborted ones never.
        final Run all = run(concat(consume, "-e"), null, Map.of(), Duration.ofSeconds(30));
        assertEquals(0, all.exit(), all.err());
        assertEquals(List.of("one", "two", "three"), all.out().lines().toList());
        // The aborted records are in the log all the same: read_uncommitted returns them.
        final Run uncommitted = run(List.of(kcat, "-C", "-b", broker.bootstrap(), "-t", topic, "-o", "beginning", "-e",
                "-f", "%s\\n", "-X", "isolation.level=read_uncommitted"), null, Map.of(), Duration.ofSeconds(30));
        assertEquals(0, uncommitted.exit(), uncommitted.err());
        assertEquals(List.of("aborted-1", "aborted-2", "one", "two", "three"), uncommitted.out().lines().toList());
    }

    @Test
    void kafkajsCommitsAbortsAndCommitsOffsetsInTransactions() throws Exception {
        final Path node = onPath("node", "install Node.js with `apt-get install nodejs npm` (Debian/Ubuntu)");
        final Path modules = kafkajs();
        final Path script = Path.of(ClientToolsTransactionsIT.class.getResource("/kafkajs/transactions.js").toURI());
        final Run run = run(List.of(node.toString(), script.toString(), broker.bootstrap(), "kafkajs-txn"), null,
                Map.of("NODE_PATH", modules.toString(), "KAFKAJS_NO_PARTITIONER_WARNING", "1"), Duration.ofSeconds(60));
        assertEquals(0, run.exit(), "kafkajs script failed:\n" + run.err() + run.out());
        final List<String> lines = run.out().lines().toList();
        assertEquals("{\"values\":[\"committed-1\",\"committed-2\",\"committed-3\",\"end-0\",\"end-1\"],"
                        + "\"offsets\":{\"0\":\"3\",\"1\":\"-1\"}}", lines.get(lines.size() - 1),
                "committed values once, aborted never; the committed transaction's offset, not the aborted one's:\n"
                        + run.out() + run.err());
    }

    // ---------------------------------------------------------------------------------------------------------------

    record Run(int exit, String out, String err) {
    }

    /** Runs a command with stdin (or none), waiting at most {@code timeout}; output goes to files, so it never blocks. */
    static Run run(final List<String> command, final String stdin, final Map<String, String> env,
            final Duration timeout) throws IOException, InterruptedException {
        final Path out = Files.createTempFile(work, "out", ".txt");
        final Path err = Files.createTempFile(work, "err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        final Process p = builder.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s; "
                    + "stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The executable on the PATH; a missing one fails the test (CI has it), saying how to install it. */
    static Path onPath(final String name, final String howToInstall) {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            final Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return fail(name + " is not on the PATH: " + howToInstall + "; this test needs it and does not skip");
    }

    /**
     * The node_modules holding kafkajs: under the directory the system property {@code kafkajs.dir} names (default
     * target/kafkajs of this module), installed there with npm when it is missing or another version.
     */
    static Path kafkajs() throws IOException, InterruptedException {
        final Path dir = Path.of(System.getProperty("kafkajs.dir", "target/kafkajs")).toAbsolutePath();
        final Path modules = dir.resolve("node_modules");
        if (!hasKafkajs(modules)) {
            final Path npm = onPath("npm", "install it with `apt-get install npm` (Debian/Ubuntu)");
            Files.createDirectories(dir);
            final Run installed = run(List.of(npm.toString(), "install", "--prefix", dir.toString(), "--no-audit",
                    "--no-fund", "--no-save", "kafkajs@" + KAFKAJS_VERSION), null, Map.of(), Duration.ofSeconds(240));
            assertEquals(0, installed.exit(), "npm install kafkajs@" + KAFKAJS_VERSION + " into " + dir + " failed:\n"
                    + installed.out() + installed.err());
            assertTrue(hasKafkajs(modules), "npm installed no kafkajs " + KAFKAJS_VERSION + " into " + modules);
        }
        return modules;
    }

    private static boolean hasKafkajs(final Path modules) throws IOException {
        final Path pkg = modules.resolve("kafkajs").resolve("package.json");
        return Files.isRegularFile(pkg)
                && Files.readString(pkg).matches("(?s).*\"version\"\\s*:\\s*\"" + KAFKAJS_VERSION.replace(".", "\\.") + "\".*");
    }

    private static List<String> concat(final List<String> command, final String... more) {
        final List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all;
    }
}
