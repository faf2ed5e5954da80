package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.broker.Ailurus;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The options of the {@code acl} commands: operations, principals, hosts, resources and filters, as parsed. */
class AclOptionsTest {

    private static Object leaf(final String... args) {
        ParseResult result = new CommandLine(new Ailurus()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().userObject();
    }

    private static AclBindingFilter filter(final String... args) {
        final String[] all = new String[args.length + 2];
        all[0] = "acl";
        all[1] = "list";
        System.arraycopy(args, 0, all, 2, args.length);
        return ((AclListCommand) leaf(all)).filter.filter();
    }

    /** Exit code 2 and the first line of stderr (picocli prints the usage after it). */
    private static String usageError(final String... args) {
        final CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.err());
        return run.err().lines().findFirst().orElseThrow();
    }

    @Test
    void operationsByKafkasNamesInAnySpelling() {
        assertEquals(AclOperation.DESCRIBE_CONFIGS, AclOperations.parse("describe-configs"));
        assertEquals(AclOperation.DESCRIBE_CONFIGS, AclOperations.parse("DescribeConfigs"));
        assertEquals(AclOperation.IDEMPOTENT_WRITE, AclOperations.parse("IDEMPOTENT_WRITE"));
        assertEquals(AclOperation.ALL, AclOperations.parse("all"));
        final IllegalArgumentException any = assertThrows(IllegalArgumentException.class,
                () -> AclOperations.parse("any"));
        assertTrue(any.getMessage().startsWith("unknown operation 'any': expected one of ALL, READ, WRITE, CREATE, "
                + "DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE"),
                any.getMessage());
    }

    @Test
    void operationsMustMeanSomethingOnTheResource() {
        assertNull(AclOperations.inapplicable(List.of(AclOperation.READ, AclOperation.WRITE), ResourceType.TOPIC));
        assertEquals("WRITE does not apply to a group: use ALL, READ, DELETE, DESCRIBE",
                AclOperations.inapplicable(List.of(AclOperation.READ, AclOperation.WRITE), ResourceType.GROUP));
        assertEquals("READ, CREATE do not apply to a transactional id: use ALL, WRITE, DESCRIBE, TWO_PHASE_COMMIT",
                AclOperations.inapplicable(List.of(AclOperation.READ, AclOperation.CREATE),
                        ResourceType.TRANSACTIONAL_ID));
        assertNull(AclOperations.inapplicable(List.of(AclOperation.IDEMPOTENT_WRITE, AclOperation.CLUSTER_ACTION),
                ResourceType.CLUSTER));
    }

    @Test
    void principalsAreTypeColonName() {
        assertEquals("User:alice", AclPrincipals.parse("User:alice"));
        assertEquals("User:alice", AclPrincipals.parse("user:alice"), "the broker compares the type exactly");
        assertEquals("User:CN=ops,O=acme", AclPrincipals.parse("User:CN=ops,O=acme"));
        assertEquals("User:*", AclPrincipals.parse("User:*"));
        assertEquals("Group:ops", AclPrincipals.parse("Group:ops"));
        for (final String bad : List.of("alice", ":alice", "User:")) {
            assertEquals("expected a principal like User:alice but was '" + bad + "'",
                    assertThrows(IllegalArgumentException.class, () -> AclPrincipals.parse(bad)).getMessage());
        }
    }

    @Test
    void hostsAreAddressesNotNames() {
        assertEquals("*", AclHosts.parse("*"));
        assertEquals("10.0.0.7", AclHosts.parse("10.0.0.7"));
        assertEquals("0:0:0:0:0:0:0:1", AclHosts.parse("::1"));
        for (final String bad : List.of("example.com", "300.1.1.1", "10.0.0", "::g")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> AclHosts.parse(bad)).getMessage()
                    .startsWith("expected * or an IP address but was '" + bad + "'"), bad);
        }
    }

    @Test
    void createParsesOneAclPerPrincipalAndOperation() {
        final AclCreateCommand create = (AclCreateCommand) leaf("acl", "create", "--deny", "--principal", "user:bob",
                "--principal", "User:eve", "--operation", "read,Write", "--operation", "DESCRIBE", "--topic", "orders",
                "--prefixed", "--host", "10.1.2.3");
        assertEquals(AclPermissionType.DENY, create.permission.type());
        assertEquals(List.of("User:bob", "User:eve"), create.principals);
        assertEquals(List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE), create.operations);
        assertEquals(ResourceType.TOPIC, create.resource.type());
        assertEquals("orders", create.resource.name());
        assertTrue(create.prefixed);
        assertEquals("10.1.2.3", create.host);
        final AclCreateCommand cluster = (AclCreateCommand) leaf("acl", "create", "--allow", "--principal",
                "User:ops", "--operation", "ALTER", "--cluster");
        assertEquals(ResourceType.CLUSTER, cluster.resource.type());
        assertEquals("kafka-cluster", cluster.resource.name());
        assertEquals("*", cluster.host, "every host by default");
    }

    @Test
    void createUsageErrors() {
        assertTrue(usageError("acl", "create", "--principal", "User:a", "--operation", "READ", "--topic", "t")
                .contains("Missing required argument"));
        assertTrue(usageError("acl", "create", "--allow", "--deny", "--principal", "User:a", "--operation", "READ",
                "--topic", "t").contains("mutually exclusive"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "User:a", "--operation", "READ",
                "--topic", "t", "--group", "g").contains("mutually exclusive"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "User:a", "--operation", "READ")
                .contains("Missing required argument"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "User:a", "--operation", "bogus",
                "--topic", "t").contains("unknown operation 'bogus': expected one of ALL, READ"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "alice", "--operation", "READ",
                "--topic", "t").contains("expected a principal like User:alice but was 'alice'"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "User:a", "--operation", "WRITE",
                "--group", "g").contains("WRITE does not apply to a group: use ALL, READ, DELETE, DESCRIBE"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "User:a", "--operation", "ALTER",
                "--cluster", "--prefixed").contains("--prefixed does not apply to --cluster"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "User:a", "--operation", "READ",
                "--topic", "*", "--prefixed").contains("--prefixed does not apply to the wildcard name *"));
        assertTrue(usageError("acl", "create", "--allow", "--principal", "User:a", "--operation", "READ",
                "--topic", "t", "--host", "broker.example.com").contains("expected * or an IP address"));
    }

    @Test
    void filtersNarrowWithEachOption() {
        assertEquals(AclBindingFilter.ANY, filter());
        assertEquals(new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, "orders", PatternType.ANY),
                new AccessControlEntryFilter("User:alice", null, AclOperation.ANY, AclPermissionType.ANY)),
                filter("--principal", "User:alice", "--topic", "orders"));
        assertEquals(new AclBindingFilter(new ResourcePatternFilter(ResourceType.GROUP, "app", PatternType.PREFIXED),
                new AccessControlEntryFilter(null, "10.0.0.1", AclOperation.READ, AclPermissionType.DENY)),
                filter("--group", "app", "--prefixed", "--host", "10.0.0.1", "--operation", "read", "--deny"));
        assertEquals(new ResourcePatternFilter(ResourceType.TOPIC, "orders", PatternType.MATCH),
                filter("--topic", "orders", "--pattern", "match").patternFilter());
        assertEquals(new ResourcePatternFilter(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                filter("--cluster").patternFilter());
        assertEquals(new ResourcePatternFilter(ResourceType.TRANSACTIONAL_ID, "tx", PatternType.LITERAL),
                filter("--transactional-id", "tx", "--pattern", "LITERAL").patternFilter());
    }

    @Test
    void filterUsageErrors() {
        assertTrue(usageError("acl", "list", "--pattern", "exact").contains(
                "expected any, match, literal or prefixed but was 'exact'"));
        assertTrue(usageError("acl", "list", "--prefixed").contains(
                "--pattern and --prefixed need --topic, --group or --transactional-id"));
        assertTrue(usageError("acl", "delete", "--topic", "t", "--prefixed", "--pattern", "literal").contains(
                "--prefixed contradicts --pattern literal"));
        assertTrue(usageError("acl", "list", "--allow", "--deny").contains("mutually exclusive"));
        assertTrue(usageError("acl").contains("Missing required subcommand"));
    }
}
