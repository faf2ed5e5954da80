package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** With nothing listening at the bootstrap address, every command fails fast with one readable line. */
class UnreachableBrokerTest {

    private static final String TIMEOUT_MS = "1500";
    private static final long BOUND_MS = 12_000;

    private static void assertCannotReach(final String... command) {
        final String bootstrap = "127.0.0.1:" + FreePorts.closedPort();
        final String[] args = new String[command.length + 4];
        System.arraycopy(command, 0, args, 0, command.length);
        System.arraycopy(new String[] {"-b", bootstrap, "--timeout", TIMEOUT_MS}, 0, args, command.length, 4);

        final CliRun run = CliRun.of(args);

        assertEquals(1, run.exitCode(), run.err());
        assertEquals("error: cannot reach a broker at " + bootstrap + " (is `./ailurus start` running?)\n",
                run.err().replace(System.lineSeparator(), "\n"));
        assertEquals("", run.out());
        assertTrue(run.elapsedMs() < BOUND_MS, "took " + run.elapsedMs() + " ms");
    }

    @Test
    void topicList() {
        assertCannotReach("topic", "list");
    }

    @Test
    void topicCreate() {
        assertCannotReach("topic", "create", "orders", "-p", "3");
    }

    @Test
    void produce() {
        assertCannotReach("produce", "orders");
    }

    @Test
    void consume() {
        assertCannotReach("consume", "orders", "--from-beginning");
    }

    @Test
    void userList() {
        assertCannotReach("user", "list");
    }

    @Test
    void aclList() {
        assertCannotReach("acl", "list");
    }
}
