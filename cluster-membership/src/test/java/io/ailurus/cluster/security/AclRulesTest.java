package io.ailurus.cluster.security;

import static io.ailurus.cluster.security.AclAuthorizerTest.acl;
import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclPermissionType.ALLOW;
import static org.apache.kafka.common.acl.AclPermissionType.DENY;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclRulesTest {

    private static final AclEntry VALID = acl(TOPIC, "orders", LITERAL, "User:alice", "*", READ, ALLOW);

    private static AclEntry withCodes(final ResourceType type, final PatternType pattern, final AclOperation operation,
                                      final AclPermissionType permission) {
        return new AclEntry(type.code(), VALID.resourceName(), pattern.code(), VALID.principal(), VALID.host(),
                operation.code(), permission.code());
    }

    /** Asserts the entry is refused with InvalidRequestException whose message names {@code mentioned}. */
    private static void assertRefused(final AclEntry acl, final String mentioned) {
        final InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> AclRules.check(acl));
        assertTrue(e.getMessage().contains(mentioned), "'" + e.getMessage() + "' should mention " + mentioned);
    }

    @Test
    void everyResourceTypeKafkaAllowsCanHaveAcls() {
        for (final ResourceType type : new ResourceType[] {TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID,
                ResourceType.DELEGATION_TOKEN, ResourceType.USER}) {
            assertDoesNotThrow(() -> AclRules.check(acl(type, "x", LITERAL, "User:alice", "*", READ, ALLOW)));
            assertDoesNotThrow(() -> AclRules.check(acl(type, "x", PREFIXED, "User:*", "10.0.0.1", ALL, DENY)));
            assertDoesNotThrow(() -> AclRules.check(acl(type, "*", LITERAL, "User:*", "*", ALL, DENY)));
        }
        assertDoesNotThrow(() -> AclRules.check(acl(CLUSTER, "kafka-cluster", LITERAL, "User:alice", "*",
                AclOperation.ALTER, ALLOW)));
        assertDoesNotThrow(() -> AclRules.check(new AclBinding(new ResourcePattern(TOPIC, "t", LITERAL),
                new AccessControlEntry("User:alice", "*", READ, ALLOW))));
    }

    @Test
    void theResourceTypeMustBeAConcreteOne() {
        assertRefused(withCodes(ResourceType.ANY, LITERAL, READ, ALLOW), "ANY");
        assertRefused(withCodes(ResourceType.UNKNOWN, LITERAL, READ, ALLOW), "UNKNOWN");
    }

    @Test
    void thePatternTypeMustBeLiteralOrPrefixed() {
        assertRefused(withCodes(TOPIC, PatternType.MATCH, READ, ALLOW), "MATCH");
        assertRefused(withCodes(TOPIC, PatternType.ANY, READ, ALLOW), "ANY");
        assertRefused(withCodes(TOPIC, PatternType.UNKNOWN, READ, ALLOW), "UNKNOWN");
    }

    @Test
    void theOperationAndPermissionMustBeConcreteOnes() {
        assertRefused(withCodes(TOPIC, LITERAL, AclOperation.ANY, ALLOW), "operation ANY");
        assertRefused(withCodes(TOPIC, LITERAL, AclOperation.UNKNOWN, ALLOW), "operation UNKNOWN");
        assertRefused(withCodes(TOPIC, LITERAL, READ, AclPermissionType.ANY), "permission type ANY");
        assertRefused(withCodes(TOPIC, LITERAL, READ, AclPermissionType.UNKNOWN), "permission type UNKNOWN");
    }

    @Test
    void theResourceNameMustBeGiven() {
        assertRefused(acl(TOPIC, "", LITERAL, "User:alice", "*", READ, ALLOW), "empty");
        assertRefused(acl(TOPIC, "", PREFIXED, "User:alice", "*", READ, ALLOW), "empty");
    }

    @Test
    void theWildcardNameIsOnlyLiteral() {
        assertRefused(acl(TOPIC, "*", PREFIXED, "User:alice", "*", READ, ALLOW), "LITERAL");
    }

    @Test
    void theClusterIsTheLiteralKafkaCluster() {
        assertRefused(acl(CLUSTER, "my-cluster", LITERAL, "User:alice", "*", ALL, ALLOW), "kafka-cluster");
        assertRefused(acl(CLUSTER, "kafka", PREFIXED, "User:alice", "*", ALL, ALLOW), "LITERAL");
        assertRefused(acl(CLUSTER, "*", LITERAL, "User:alice", "*", ALL, ALLOW), "kafka-cluster");
    }

    @Test
    void thePrincipalIsTypeColonName() {
        assertRefused(acl(TOPIC, "t", LITERAL, "alice", "*", READ, ALLOW), "'alice'");
        assertRefused(acl(TOPIC, "t", LITERAL, "", "*", READ, ALLOW), "Type:name");
        assertDoesNotThrow(() -> AclRules.check(acl(TOPIC, "t", LITERAL, "Group:ops", "*", READ, ALLOW)));
    }

    @Test
    void theHostIsGiven() {
        assertRefused(acl(TOPIC, "t", LITERAL, "User:alice", "", READ, ALLOW), "host");
    }

    @Test
    void aFilterWithUnknownValuesIsRefused() {
        assertDoesNotThrow(() -> AclRules.checkFilter(AclBindingFilter.ANY));
        assertThrows(InvalidRequestException.class, () -> AclRules.checkFilter(new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.UNKNOWN, "t", LITERAL), AccessControlEntryFilter.ANY)));
        assertThrows(InvalidRequestException.class, () -> AclRules.checkFilter(new AclBindingFilter(
                ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(null, null, AclOperation.UNKNOWN, AclPermissionType.ANY))));
    }
}
