package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The `ailurus` CLI as a user runs it: a separate process talking to a live broker. */
@Timeout(300)
class CliIT {

    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dataDir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    record Run(int exit, String out, String err) {
    }

    static Run cli(final String stdin, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.ailurus.broker.Ailurus"));
        command.addAll(List.of(args));
        command.addAll(List.of("-b", broker.bootstrap()));
        final Path out = Files.createTempFile(work, "out", ".txt");
        final Path err = Files.createTempFile(work, "err", ".txt");
        final Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ailurus " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void topicsProduceAndConsumeFromTheCommandLine() throws Exception {
        final Run created = cli(null, "topic", "create", "cli-topic", "-p", "2", "-c", "retention.ms=3600000");
        assertEquals(0, created.exit(), created.err());
        final Run list = cli(null, "topic", "list");
        assertTrue(list.out().lines().anyMatch("cli-topic"::equals), list.out());
        final Run describe = cli(null, "topic", "describe", "cli-topic");
        assertEquals(0, describe.exit(), describe.err());
        assertTrue(describe.out().contains("retention.ms=3600000"), describe.out());

        final Run produced = cli("a:one\nb:two\nc:three\n", "produce", "cli-topic", "-k", ":", "-p", "1", "-H", "src=cli");
        assertEquals(0, produced.exit(), produced.err());
        final Run consumed = cli(null, "consume", "cli-topic", "--from-beginning", "-n", "3", "-f", "%p/%o %k=%s %h\\n");
        assertEquals(0, consumed.exit(), consumed.err());
        assertEquals(List.of("1/0 a=one src=cli", "1/1 b=two src=cli", "1/2 c=three src=cli"),
                consumed.out().lines().toList());

        final Run altered = cli(null, "topic", "alter-config", "cli-topic", "--set", "retention.ms=60000");
        assertEquals(0, altered.exit(), altered.err());
        assertTrue(cli(null, "topic", "describe", "cli-topic").out().contains("retention.ms=60000"));

        final Run deleted = cli(null, "topic", "delete", "cli-topic");
        assertEquals(0, deleted.exit(), deleted.err());
        assertTrue(cli(null, "topic", "list").out().lines().noneMatch("cli-topic"::equals));
    }

    @Test
    void errorsReadAsAPersonExpects() throws Exception {
        final Run missing = cli(null, "topic", "describe", "no-such-topic");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("'no-such-topic' does not exist"), missing.err());
        final Run bad = cli(null, "topic", "create", "bad name!");
        assertTrue(bad.exit() != 0);
        assertTrue(bad.err().toLowerCase().contains("topic"), bad.err());
        assertTrue(!bad.err().contains("\tat "), "no stack trace: " + bad.err());
        final Run badConfig = cli(null, "topic", "create", "ok-name", "-c", "retention.ms=soon");
        assertTrue(badConfig.exit() != 0);
        assertTrue(badConfig.err().contains("retention.ms"), badConfig.err());
    }
}
