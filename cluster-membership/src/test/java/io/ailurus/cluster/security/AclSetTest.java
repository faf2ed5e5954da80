package io.ailurus.cluster.security;

import static io.ailurus.cluster.security.AclAuthorizerTest.acl;
import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.acl.AclPermissionType.ALLOW;
import static org.apache.kafka.common.acl.AclPermissionType.DENY;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.actors.serialization.KryoCodec;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclSetTest {

    private static final AclEntry ORDERS_EU = acl(TOPIC, "orders-eu", LITERAL, "User:alice", "*", READ, ALLOW);
    private static final AclEntry ORDERS = acl(TOPIC, "orders", LITERAL, "User:alice", "*", READ, ALLOW);
    private static final AclEntry ORDERS_PREFIX = acl(TOPIC, "orders-", PREFIXED, "User:bob", "*", WRITE, ALLOW);
    private static final AclEntry ORDERS_DASH = acl(TOPIC, "orders-", LITERAL, "User:bob", "*", WRITE, ALLOW);
    private static final AclEntry ORDERS_E_PREFIX = acl(TOPIC, "orders-e", PREFIXED, "User:bob", "*", READ, DENY);
    private static final AclEntry ANY_TOPIC = acl(TOPIC, "*", LITERAL, "User:*", "10.0.0.1", ALL, DENY);
    private static final AclEntry PAYMENTS_PREFIX = acl(TOPIC, "pay", PREFIXED, "User:alice", "*", READ, ALLOW);
    private static final AclEntry GROUP_ORDERS_EU = acl(GROUP, "orders-eu", LITERAL, "User:alice", "*", READ, ALLOW);

    private static AclSet all() {
        final AclSet acls = new AclSet();
        acls.add(List.of(ORDERS_EU, ORDERS, ORDERS_PREFIX, ORDERS_DASH, ORDERS_E_PREFIX, ANY_TOPIC, PAYMENTS_PREFIX,
                GROUP_ORDERS_EU));
        return acls;
    }

    private static AclBindingFilter resources(final ResourceType type, final String name, final PatternType pattern) {
        return new AclBindingFilter(new ResourcePatternFilter(type, name, pattern), AccessControlEntryFilter.ANY);
    }

    @Test
    void addingAnExistingEntryAgainChangesNothing() {
        final AclSet acls = new AclSet();
        assertEquals(List.of(ORDERS, ORDERS_EU), acls.add(List.of(ORDERS, ORDERS_EU, ORDERS)));
        assertEquals(List.of(ORDERS_PREFIX), acls.add(List.of(ORDERS_EU, ORDERS_PREFIX)), "only the new one");
        assertEquals(List.of(), acls.add(List.of(ORDERS)));
        assertEquals(List.of(ORDERS, ORDERS_EU, ORDERS_PREFIX), acls.entries(), "in creation order");
        assertEquals(3, acls.size());
        assertEquals(acls.entries(), new AclSet(acls.entries()).entries(), "restored alike from a snapshot");
    }

    @Test
    void aLiteralFilterDeletesThatPatternOnly() {
        final AclSet acls = all();
        assertEquals(List.of(ORDERS_EU), acls.delete(resources(TOPIC, "orders-eu", LITERAL)));
        assertEquals(List.of(), acls.delete(resources(TOPIC, "orders-eu", LITERAL)), "already deleted");
        assertEquals(List.of(ORDERS_PREFIX, ORDERS_E_PREFIX, PAYMENTS_PREFIX),
                acls.delete(resources(TOPIC, null, PREFIXED)), "a null name matches every name");
        assertEquals(List.of(ORDERS, ORDERS_DASH, ANY_TOPIC, GROUP_ORDERS_EU), acls.entries());
    }

    @Test
    void aMatchFilterDeletesEveryPatternThatAppliesToTheName() {
        final AclSet acls = all();
        assertEquals(List.of(ORDERS_EU, ORDERS_PREFIX, ORDERS_E_PREFIX, ANY_TOPIC),
                acls.delete(resources(TOPIC, "orders-eu", PatternType.MATCH)),
                "the literal name, the prefixes of it and the wildcard; not orders, orders- or the group");
        assertEquals(List.of(ORDERS, ORDERS_DASH, PAYMENTS_PREFIX, GROUP_ORDERS_EU), acls.entries());
    }

    @Test
    void anAnyFilterDeletesEveryPatternTypeOfExactlyThatName() {
        final AclSet acls = all();
        assertEquals(List.of(ORDERS_PREFIX, ORDERS_DASH), acls.delete(resources(TOPIC, "orders-", PatternType.ANY)));
        assertEquals(List.of(ORDERS_EU, GROUP_ORDERS_EU),
                acls.delete(resources(ResourceType.ANY, "orders-eu", PatternType.ANY)), "of every resource type");
        assertEquals(List.of(ORDERS, ORDERS_E_PREFIX, ANY_TOPIC, PAYMENTS_PREFIX), acls.entries());
        assertEquals(4, acls.delete(AclBindingFilter.ANY).size());
        assertEquals(List.of(), acls.entries());
    }

    @Test
    void anEntryFilterSelectsByPrincipalHostOperationAndPermission() {
        final AclSet acls = all();
        final AclBindingFilter bobs = new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter("User:bob", null, AclOperation.ANY, AclPermissionType.ANY));
        assertEquals(List.of(ORDERS_PREFIX, ORDERS_DASH, ORDERS_E_PREFIX), acls.describe(bobs));
        final AclBindingFilter denies = new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(null, null, AclOperation.ANY, AclPermissionType.DENY));
        assertEquals(List.of(ORDERS_E_PREFIX, ANY_TOPIC), acls.describe(denies));
        final AclBindingFilter fromHost = new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(null, "10.0.0.1", AclOperation.ALL, AclPermissionType.ANY));
        assertEquals(List.of(ANY_TOPIC), acls.describe(fromHost));
        assertEquals(8, acls.size(), "describing deletes nothing");
        assertEquals(List.of(ORDERS_PREFIX, ORDERS_DASH, ORDERS_E_PREFIX), acls.delete(bobs));
        assertEquals(5, acls.size());
    }

    @Test
    void anEntryIsTheBindingsCodesAndCrossesNodesWithKryo() {
        final AclBinding binding = new AclBinding(new ResourcePattern(TOPIC, "orders-", PREFIXED),
                new AccessControlEntry("User:bob", "*", WRITE, ALLOW));
        final AclEntry entry = AclEntry.of(binding);
        assertEquals(new AclEntry(TOPIC.code(), "orders-", PREFIXED.code(), "User:bob", "*", WRITE.code(),
                ALLOW.code()), entry);
        assertEquals(binding, entry.toBinding());
        final KryoCodec codec = new KryoCodec();
        assertEquals(entry, codec.decode(codec.encode(entry)));
    }
}
