package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.broker.Ailurus;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Parsing and usage errors: exit code 2 and a message, before any connection is attempted. */
class CommandLineTest {

    private static void assertUsageError(final String expected, final String... args) {
        final CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(expected), run.err());
    }

    private static Object leaf(final String... args) {
        ParseResult result = new CommandLine(new Ailurus()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().userObject();
    }

    @Test
    void theCommandsAreThere() {
        final CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        for (final String command : new String[] {"start", "topic", "produce", "consume", "user", "acl"}) {
            assertTrue(run.out().contains("  " + command + " "), run.out());
        }
        final CliRun topic = CliRun.of("topic", "--help");
        for (final String command : new String[] {"create", "list", "describe", "delete", "alter-config"}) {
            assertTrue(topic.out().contains("  " + command + " "), topic.out());
        }
    }

    @Test
    void topicWithoutASubcommandIsAUsageError() {
        assertUsageError("Missing required subcommand", "topic");
    }

    @Test
    void bootstrapDefaultsToTheLocalBrokerOrTheEnvironment() {
        final TopicListCommand list = (TopicListCommand) leaf("topic", "list");
        final String env = System.getenv("AILURUS_BOOTSTRAP");
        assertEquals(env != null ? env : "127.0.0.1:9092", list.client.bootstrap);
        assertEquals(15_000, list.client.timeoutMs);
        assertEquals("broker:19092", ((TopicListCommand) leaf("topic", "list", "-b", "broker:19092")).client.bootstrap);
    }

    @Test
    void createDefaults() {
        final TopicCreateCommand create = (TopicCreateCommand) leaf("topic", "create", "orders", "-c", "a=1");
        assertNull(create.partitions, "no -p: the broker's default (or the bucket's count) decides");
        assertEquals(1, create.replicationFactor);
        assertEquals("orders", create.name);
        assertEquals("a", create.configs.get(0).key());
    }

    @Test
    void negativeOffsetsParse() {
        final ConsumeCommand consume = (ConsumeCommand) leaf("consume", "orders", "--offset", "-5");
        assertEquals(-5L, consume.start.offset);
    }

    @Test
    void startOptionsAreMutuallyExclusive() {
        assertUsageError("mutually exclusive", "consume", "orders", "--from-beginning", "--offset", "3");
    }

    @Test
    void malformedValuesAreUsageErrors() {
        assertUsageError("unknown placeholder %q", "consume", "orders", "-f", "%q");
        assertUsageError("ISO-8601", "consume", "orders", "--from-timestamp", "yesterday");
        assertUsageError("expected all, 1 or 0", "produce", "orders", "--acks", "2");
        assertUsageError("expected none, gzip", "produce", "orders", "--compression", "brotli");
        assertUsageError("expected KEY=VALUE", "produce", "orders", "-H", "novalue");
        assertUsageError("expected KEY=VALUE", "topic", "create", "orders", "-c", "retention.ms");
    }

    @Test
    void invalidNumbersAreUsageErrors() {
        assertUsageError("--partitions must be at least 1", "topic", "create", "orders", "-p", "0");
        assertUsageError("--replication-factor must be between 1", "topic", "create", "orders", "-r", "40000");
        assertUsageError("--timeout must be positive", "topic", "list", "--timeout", "0");
        assertUsageError("--max-messages must be positive", "consume", "orders", "-n", "0");
        assertUsageError("at least one --set", "topic", "alter-config", "orders");
        assertUsageError("--partition must not be negative", "txn", "describe-producers", "-t", "orders", "-p", "-1");
    }

    @Test
    void userCommandsParse() {
        assertUsageError("Missing required subcommand", "user");
        final UserCreateCommand create = (UserCreateCommand) leaf("user", "create", "alice", "--new-password", "pw");
        assertEquals("alice", create.name);
        assertEquals("pw", create.newPassword);
        assertNull(create.mechanism, "both mechanisms");
        assertEquals(4096, create.iterations);
        final UserUpdateCommand update = (UserUpdateCommand) leaf("user", "update", "alice", "--new-password", "pw",
                "--mechanism", "scram_sha_256", "--iterations", "8192");
        assertEquals(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256, update.mechanism);
        assertEquals(8192, update.iterations);
        assertUsageError("expected SCRAM-SHA-256 or SCRAM-SHA-512 but was 'SHA-1'", "user", "delete", "alice",
                "--mechanism", "SHA-1");
        assertUsageError("Missing required parameter", "user", "delete");
    }

    @Test
    void userCreateChecksItsInputBeforeConnecting() {
        if (System.getenv("AILURUS_NEW_PASSWORD") == null) {
            assertUsageError("missing --new-password (or env AILURUS_NEW_PASSWORD)", "user", "create", "alice");
        }
        assertUsageError("--new-password must not be empty", "user", "create", "alice", "--new-password", "");
        assertUsageError("--iterations must be between 4096 and 16384 for SCRAM-SHA-256", "user", "create", "alice",
                "--new-password", "pw", "--iterations", "100");
        assertUsageError("--iterations must be between 4096 and 16384 for SCRAM-SHA-512", "user", "update", "alice",
                "--new-password", "pw", "--iterations", "20000", "--mechanism", "SCRAM-SHA-512");
    }

    @Test
    void txnCommandsParse() {
        assertUsageError("Missing required subcommand", "txn");
        assertUsageError("expected one of Ongoing", "txn", "list", "--state", "done");
        assertUsageError("Missing required parameter", "txn", "describe");
        assertUsageError("Missing required option", "txn", "describe-producers");
    }
}
