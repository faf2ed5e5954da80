package io.ailurus.cluster.security;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.acl.AclPermissionType.ALLOW;
import static org.apache.kafka.common.acl.AclPermissionType.DENY;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

class AclAuthorizerTest {

    private static final KafkaPrincipal ALICE = new KafkaPrincipal("User", "alice");
    private static final KafkaPrincipal BOB = new KafkaPrincipal("User", "bob");
    private static final KafkaPrincipal ADMIN = new KafkaPrincipal("User", "admin");
    private static final String HOST = "10.0.0.1";
    private static final String OTHER_HOST = "10.0.0.2";

    static AclEntry acl(final ResourceType type, final String name, final PatternType pattern, final String principal,
                        final String host, final AclOperation operation, final AclPermissionType permission) {
        return AclEntry.of(new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, host, operation, permission)));
    }

    /** An ACL on a topic, for any host. */
    private static AclEntry topicAcl(final String name, final PatternType pattern, final String principal,
                                     final AclOperation operation, final AclPermissionType permission) {
        return acl(TOPIC, name, pattern, principal, "*", operation, permission);
    }

    private static AclAuthorizer authorizer(final boolean allowEveryoneIfNoAclFound, final AclEntry... acls) {
        return new AclAuthorizer(List.of(acls), Set.of("User:admin"), allowEveryoneIfNoAclFound);
    }

    private static boolean mayOnTopic(final AclAuthorizer authorizer, final KafkaPrincipal principal,
                                      final AclOperation operation, final String topic) {
        return authorizer.authorize(principal, HOST, operation, TOPIC, topic);
    }

    @Test
    void aSuperUserMayDoEverythingEvenWhereDenied() {
        final AclAuthorizer authorizer = authorizer(false,
                topicAcl("*", LITERAL, "User:*", ALL, DENY),
                acl(CLUSTER, "kafka-cluster", LITERAL, "User:admin", "*", ALL, DENY));
        assertTrue(mayOnTopic(authorizer, ADMIN, WRITE, "orders"));
        assertTrue(authorizer.authorize(ADMIN, HOST, ALTER, CLUSTER, "kafka-cluster"));
        assertTrue(authorizer.authorize(ADMIN, HOST, READ, GROUP, "no-acl-for-groups"));
        assertTrue(authorizer.authorizeAny(ADMIN, HOST, WRITE, TOPIC));
        assertFalse(mayOnTopic(authorizer, ALICE, WRITE, "orders"));
        assertFalse(authorizer.authorize(new KafkaPrincipal("Group", "admin"), HOST, WRITE, TOPIC, "orders"),
                "a super user is a principal type and name, not just a name");
    }

    @Test
    void aLiteralAclAppliesToItsNameOnly() {
        final AclAuthorizer authorizer = authorizer(false, topicAcl("orders", LITERAL, "User:alice", READ, ALLOW));
        assertTrue(mayOnTopic(authorizer, ALICE, READ, "orders"));
        assertFalse(mayOnTopic(authorizer, ALICE, READ, "orders-eu"));
        assertFalse(mayOnTopic(authorizer, ALICE, READ, "order"));
        assertFalse(mayOnTopic(authorizer, BOB, READ, "orders"));
        assertFalse(mayOnTopic(authorizer, ALICE, WRITE, "orders"));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, GROUP, "orders"), "an ACL is for one resource type");
    }

    @Test
    void aPrefixedAclAppliesToEveryNameStartingWithIt() {
        final AclAuthorizer authorizer = authorizer(false,
                topicAcl("orders-", PREFIXED, "User:alice", WRITE, ALLOW),
                topicAcl("o", PREFIXED, "User:bob", READ, ALLOW));
        assertTrue(mayOnTopic(authorizer, ALICE, WRITE, "orders-"));
        assertTrue(mayOnTopic(authorizer, ALICE, WRITE, "orders-eu"));
        assertFalse(mayOnTopic(authorizer, ALICE, WRITE, "orders"));
        assertFalse(mayOnTopic(authorizer, ALICE, WRITE, "xorders-eu"));
        assertTrue(mayOnTopic(authorizer, BOB, READ, "orders-eu"), "a shorter prefix applies as well");
        assertFalse(mayOnTopic(authorizer, BOB, READ, "payments"));
    }

    @Test
    void theWildcardResourceAppliesToEveryNameOfItsType() {
        final AclAuthorizer authorizer = authorizer(false, topicAcl("*", LITERAL, "User:alice", READ, ALLOW));
        assertTrue(mayOnTopic(authorizer, ALICE, READ, "orders"));
        assertTrue(mayOnTopic(authorizer, ALICE, READ, "*"));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, GROUP, "orders"));
    }

    @Test
    void theWildcardPrincipalMatchesEveryoneAndTheWildcardHostEveryHost() {
        final AclAuthorizer authorizer = authorizer(false,
                topicAcl("public", LITERAL, "User:*", READ, ALLOW),
                acl(TOPIC, "private", LITERAL, "User:alice", HOST, READ, ALLOW));
        assertTrue(authorizer.authorize(BOB, OTHER_HOST, READ, TOPIC, "public"));
        assertTrue(authorizer.authorize(new KafkaPrincipal("Group", "ops"), HOST, READ, TOPIC, "public"),
                "Kafka's User:* matches principals of every type");
        assertTrue(authorizer.authorize(ALICE, HOST, READ, TOPIC, "private"));
        assertFalse(authorizer.authorize(ALICE, OTHER_HOST, READ, TOPIC, "private"), "from another host");
        assertFalse(authorizer.authorize(BOB, HOST, READ, TOPIC, "private"));
    }

    @Test
    void aDenyWinsOverEveryAllow() {
        final AclAuthorizer authorizer = authorizer(false,
                topicAcl("o", PREFIXED, "User:*", ALL, ALLOW),
                topicAcl("orders", LITERAL, "User:alice", WRITE, DENY),
                acl(TOPIC, "*", LITERAL, "User:bob", OTHER_HOST, ALL, DENY));
        assertFalse(mayOnTopic(authorizer, ALICE, WRITE, "orders"));
        assertTrue(mayOnTopic(authorizer, ALICE, READ, "orders"), "the deny is of WRITE only");
        assertTrue(mayOnTopic(authorizer, ALICE, WRITE, "orders-eu"));
        assertTrue(mayOnTopic(authorizer, BOB, WRITE, "orders"));
        assertFalse(authorizer.authorize(BOB, OTHER_HOST, READ, TOPIC, "orders"), "a deny of ALL from that host");
    }

    @Test
    void anAllowOfReadWriteDeleteOrAlterAllowsDescribe() {
        for (final AclOperation implying : List.of(READ, WRITE, DELETE, ALTER)) {
            final AclAuthorizer authorizer = authorizer(false, topicAcl("t", LITERAL, "User:alice", implying, ALLOW));
            assertTrue(mayOnTopic(authorizer, ALICE, DESCRIBE, "t"), implying + " implies DESCRIBE");
        }
        final AclAuthorizer createOnly = authorizer(false, topicAcl("t", LITERAL, "User:alice", CREATE, ALLOW));
        assertFalse(mayOnTopic(createOnly, ALICE, DESCRIBE, "t"), "CREATE does not imply DESCRIBE");
        final AclAuthorizer readOnly = authorizer(false, topicAcl("t", LITERAL, "User:alice", READ, ALLOW));
        assertFalse(mayOnTopic(readOnly, ALICE, WRITE, "t"));
        final AclAuthorizer describeOnly = authorizer(false, topicAcl("t", LITERAL, "User:alice", DESCRIBE, ALLOW));
        assertFalse(mayOnTopic(describeOnly, ALICE, READ, "t"), "implication goes one way");
    }

    @Test
    void anAllowOfAlterConfigsAllowsDescribeConfigs() {
        final AclAuthorizer alterConfigs = authorizer(false,
                topicAcl("t", LITERAL, "User:alice", ALTER_CONFIGS, ALLOW));
        assertTrue(mayOnTopic(alterConfigs, ALICE, DESCRIBE_CONFIGS, "t"));
        final AclAuthorizer describeConfigs = authorizer(false,
                topicAcl("t", LITERAL, "User:alice", DESCRIBE_CONFIGS, ALLOW));
        assertFalse(mayOnTopic(describeConfigs, ALICE, ALTER_CONFIGS, "t"));
        final AclAuthorizer alter = authorizer(false, topicAcl("t", LITERAL, "User:alice", ALTER, ALLOW));
        assertFalse(mayOnTopic(alter, ALICE, DESCRIBE_CONFIGS, "t"), "ALTER implies DESCRIBE, not DESCRIBE_CONFIGS");
    }

    @Test
    void aDenyOfReadDoesNotDenyDescribe() {
        final AclAuthorizer authorizer = authorizer(false,
                topicAcl("t", LITERAL, "User:alice", READ, ALLOW),
                topicAcl("t", LITERAL, "User:alice", READ, DENY),
                topicAcl("u", LITERAL, "User:alice", DESCRIBE, ALLOW),
                topicAcl("u", LITERAL, "User:alice", WRITE, DENY));
        assertFalse(mayOnTopic(authorizer, ALICE, READ, "t"));
        assertTrue(mayOnTopic(authorizer, ALICE, DESCRIBE, "t"), "the ALLOW of READ still implies DESCRIBE");
        assertTrue(mayOnTopic(authorizer, ALICE, DESCRIBE, "u"));
        final AclAuthorizer denyDescribe = authorizer(false,
                topicAcl("t", LITERAL, "User:alice", ALL, ALLOW),
                topicAcl("t", LITERAL, "User:alice", DESCRIBE, DENY));
        assertFalse(mayOnTopic(denyDescribe, ALICE, DESCRIBE, "t"));
        assertTrue(mayOnTopic(denyDescribe, ALICE, READ, "t"));
    }

    @Test
    void aResourceNoAclAppliesToFollowsAllowEveryoneIfNoAclFound() {
        final AclEntry bobReadsOrders = topicAcl("orders", LITERAL, "User:bob", READ, ALLOW);
        final AclAuthorizer open = authorizer(true, bobReadsOrders);
        assertTrue(mayOnTopic(open, ALICE, WRITE, "payments"));
        assertTrue(open.authorize(ALICE, HOST, READ, GROUP, "g"), "no ACL at all for groups");
        assertFalse(mayOnTopic(open, ALICE, READ, "orders"), "an ACL applies to orders, for bob only");

        final AclAuthorizer closed = authorizer(false, bobReadsOrders);
        assertFalse(mayOnTopic(closed, ALICE, WRITE, "payments"));
        assertFalse(closed.authorize(ALICE, HOST, READ, GROUP, "g"));
        assertFalse(authorizer(false).authorize(ALICE, HOST, READ, TOPIC, "t"));
        assertTrue(authorizer(true).authorize(ALICE, HOST, READ, TOPIC, "t"));

        final AclAuthorizer prefixedElsewhere = authorizer(true, topicAcl("pay", PREFIXED, "User:bob", READ, ALLOW));
        assertFalse(mayOnTopic(prefixedElsewhere, ALICE, READ, "payments"), "a prefixed ACL applies");
        assertTrue(mayOnTopic(prefixedElsewhere, ALICE, READ, "orders"));
    }

    @Test
    void authorizeAnyFollowsAllowEveryoneIfNoAclFoundForATypeWithoutAcls() {
        assertTrue(authorizer(true).authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertFalse(authorizer(false).authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertTrue(authorizer(false).authorizeAny(ADMIN, HOST, WRITE, TOPIC), "a super user");
        final AclAuthorizer groupsOnly = authorizer(false, acl(GROUP, "g", LITERAL, "User:alice", "*", READ, ALLOW));
        assertFalse(groupsOnly.authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertThrows(IllegalArgumentException.class,
                () -> groupsOnly.authorizeAny(ALICE, HOST, AclOperation.ANY, TOPIC));
        assertThrows(IllegalArgumentException.class,
                () -> groupsOnly.authorizeAny(ALICE, HOST, READ, ResourceType.ANY));
    }

    @Test
    void authorizeAnyAllowsWhenSomeAllowIsNotCoveredByADeny() {
        final AclEntry allowPrefix = topicAcl("orders-", PREFIXED, "User:alice", WRITE, ALLOW);
        assertTrue(authorizer(false, allowPrefix).authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertFalse(authorizer(false, allowPrefix).authorizeAny(BOB, HOST, WRITE, TOPIC));
        assertFalse(authorizer(false, allowPrefix).authorizeAny(ALICE, HOST, READ, TOPIC));
        assertTrue(authorizer(false, topicAcl("orders", LITERAL, "User:*", ALL, ALLOW))
                .authorizeAny(BOB, HOST, WRITE, TOPIC), "ALL and the wildcard principal count");
        assertTrue(authorizer(false, topicAcl("orders", LITERAL, "User:alice", READ, ALLOW))
                .authorizeAny(ALICE, HOST, DESCRIBE, TOPIC), "an implied operation counts");
        assertFalse(authorizer(false, acl(TOPIC, "orders", LITERAL, "User:alice", OTHER_HOST, WRITE, ALLOW))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "an ACL for another host");
        assertTrue(authorizer(false, topicAcl("*", LITERAL, "User:alice", WRITE, ALLOW),
                topicAcl("orders", PREFIXED, "User:alice", WRITE, DENY)).authorizeAny(ALICE, HOST, WRITE, TOPIC),
                "an ALLOW on * leaves names outside every deny");
    }

    @Test
    void authorizeAnyDeniesWhenEveryAllowIsCoveredByADeny() {
        assertFalse(authorizer(false, topicAcl("orders-", PREFIXED, "User:alice", WRITE, ALLOW),
                topicAcl("*", LITERAL, "User:alice", WRITE, DENY)).authorizeAny(ALICE, HOST, WRITE, TOPIC),
                "a deny on * denies every name");
        assertFalse(authorizer(true, topicAcl("*", LITERAL, "User:*", ALL, DENY))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "even when no ACL would allow everyone");

        final AclEntry allowLiteral = topicAcl("orders-eu", LITERAL, "User:alice", WRITE, ALLOW);
        assertFalse(authorizer(false, allowLiteral, topicAcl("orders-eu", LITERAL, "User:alice", WRITE, DENY))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertFalse(authorizer(false, allowLiteral, topicAcl("orders-", PREFIXED, "User:alice", ALL, DENY))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertTrue(authorizer(false, allowLiteral, topicAcl("orders-", PREFIXED, "User:alice", ALL, DENY),
                topicAcl("payments", LITERAL, "User:alice", WRITE, ALLOW)).authorizeAny(ALICE, HOST, WRITE, TOPIC),
                "one ALLOW outside the denies is enough");

        final AclEntry allowPrefix = topicAcl("orders-eu", PREFIXED, "User:alice", WRITE, ALLOW);
        assertFalse(authorizer(false, allowPrefix, topicAcl("orders", PREFIXED, "User:alice", WRITE, DENY))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "a shorter deny prefix covers the allowed prefix");
        assertTrue(authorizer(false, allowPrefix, topicAcl("orders-eu-1", PREFIXED, "User:alice", WRITE, DENY))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "a longer deny prefix leaves e.g. orders-eu-2");
        assertTrue(authorizer(false, allowPrefix, topicAcl("orders-eu", LITERAL, "User:alice", WRITE, DENY))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "a literal deny leaves the prefix's other names");
        assertTrue(authorizer(false, allowPrefix, topicAcl("orders", PREFIXED, "User:alice", READ, DENY))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "a deny of another operation");
    }

    @Test
    void authorizeAnyWithAllowEveryoneIfNoAclFoundLooksForNamesNoAclAppliesTo() {
        assertTrue(authorizer(true, topicAcl("orders", PREFIXED, "User:bob", WRITE, ALLOW))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "names outside orders* have no ACL");
        assertFalse(authorizer(true, topicAcl("*", LITERAL, "User:bob", WRITE, ALLOW))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC), "an ACL on * applies to every name");
        assertTrue(authorizer(true, topicAcl("*", LITERAL, "User:alice", WRITE, ALLOW))
                .authorizeAny(ALICE, HOST, WRITE, TOPIC));
    }
}
