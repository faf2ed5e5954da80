package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.broker.Ailurus;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The reset plan for each target, group state names, and the group commands' usage errors. */
class GroupResetTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final Map<TopicPartition, Long> EARLIEST = Map.of(P0, 10L, P1, 0L);
    private static final Map<TopicPartition, Long> LATEST = Map.of(P0, 50L, P1, 20L);
    private static final Map<TopicPartition, OffsetAndMetadata> COMMITTED = Map.of(P0, new OffsetAndMetadata(30));

    private static ResetTarget target(final String... option) {
        return ((GroupResetOffsetsCommand) leaf(concat(new String[] {"group", "reset-offsets", "g", "--topic", "orders"},
                option))).target;
    }

    private static String[] concat(final String[] a, final String[] b) {
        final String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Object leaf(final String... args) {
        ParseResult result = new CommandLine(new Ailurus()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().userObject();
    }

    private static List<GroupFormat.Reset> plan(final ResetTarget target, final Map<TopicPartition, Long> atTime) {
        return target.plan(List.of(P0, P1), COMMITTED, EARLIEST, LATEST, atTime);
    }

    @Test
    void toEarliestAndToLatest() {
        assertEquals(List.of(new GroupFormat.Reset(P0, 30L, 10), new GroupFormat.Reset(P1, null, 0)),
                plan(target("--to-earliest"), Map.of()));
        assertEquals(List.of(new GroupFormat.Reset(P0, 30L, 50), new GroupFormat.Reset(P1, null, 20)),
                plan(target("--to-latest"), Map.of()));
    }

    @Test
    void toOffsetIsMovedIntoEachPartitionsRange() {
        assertEquals(List.of(new GroupFormat.Reset(P0, 30L, 15), new GroupFormat.Reset(P1, null, 15)),
                plan(target("--to-offset", "15"), Map.of()));
        assertEquals(List.of(new GroupFormat.Reset(P0, 30L, 10), new GroupFormat.Reset(P1, null, 5)),
                plan(target("--to-offset", "5"), Map.of()));
        assertEquals(List.of(new GroupFormat.Reset(P0, 30L, 50), new GroupFormat.Reset(P1, null, 20)),
                plan(target("--to-offset", "1000"), Map.of()));
    }

    @Test
    void toDatetimeUsesTheOffsetForTheTimeOrTheEnd() {
        final ResetTarget t = target("--to-datetime", "2024-05-01T12:00:00Z");
        assertEquals(1_714_564_800_000L, t.datetime);
        assertEquals(List.of(new GroupFormat.Reset(P0, 30L, 12), new GroupFormat.Reset(P1, null, 20)),
                plan(t, Map.of(P0, 12L, P1, -1L)));
        assertEquals(1_700_000_000_000L, target("--to-datetime", "1700000000000").datetime);
    }

    @Test
    void topicSpecsAndDefaults() {
        final GroupResetOffsetsCommand c = (GroupResetOffsetsCommand) leaf("group", "reset-offsets", "g",
                "--topic", "orders", "--topic", "audit:0,2", "--to-latest");
        assertEquals(List.of("orders", "audit:0,2"), c.scope.topics);
        assertEquals(false, c.execute, "a dry run unless --execute");
        assertTrue(((GroupResetOffsetsCommand) leaf("group", "reset-offsets", "g", "--all-topics", "--to-earliest",
                "--execute")).execute);
    }

    @Test
    void stateNamesParseAsKafkaWritesThem() {
        assertEquals(GroupState.STABLE, GroupStates.parse("Stable"));
        assertEquals(GroupState.PREPARING_REBALANCE, GroupStates.parse("preparingrebalance"));
        assertEquals(GroupState.COMPLETING_REBALANCE, GroupStates.parse("COMPLETING_REBALANCE"));
        assertEquals(GroupState.EMPTY, GroupStates.parse("empty"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupStates.parse("Busy"));
        assertTrue(e.getMessage().contains("Stable"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GroupStates.parse("Unknown"));
    }

    private static void assertUsageError(final String expected, final String... args) {
        final CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(expected), run.err());
    }

    @Test
    void usageErrors() {
        assertUsageError("Missing required subcommand", "group");
        assertUsageError("Missing required parameter", "group", "describe");
        assertUsageError("Missing required argument", "group", "reset-offsets", "g", "--to-earliest");
        assertUsageError("Missing required argument", "group", "reset-offsets", "g", "--topic", "t");
        assertUsageError("mutually exclusive", "group", "reset-offsets", "g", "--topic", "t", "--to-earliest",
                "--to-latest");
        assertUsageError("mutually exclusive", "group", "reset-offsets", "g", "--topic", "t", "--all-topics",
                "--to-latest");
        assertUsageError("--to-offset must not be negative", "group", "reset-offsets", "g", "--topic", "t",
                "--to-offset", "-1");
        assertUsageError("TOPIC:P", "group", "reset-offsets", "g", "--topic", "t:x", "--to-latest");
        assertUsageError("ISO-8601", "group", "reset-offsets", "g", "--topic", "t", "--to-datetime", "yesterday");
        assertUsageError("expected one of", "group", "list", "--state", "Busy");
    }

    @Test
    void theGroupCommandsAreThere() {
        final CliRun run = CliRun.of("group", "--help");
        assertEquals(0, run.exitCode());
        for (final String command : new String[] {"list", "describe", "delete", "reset-offsets"}) {
            assertTrue(run.out().contains("  " + command + " "), run.out());
        }
        assertTrue(CliRun.of("--help").out().contains("  group "));
    }
}
