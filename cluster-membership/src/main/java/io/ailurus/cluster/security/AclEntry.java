package io.ailurus.cluster.security;

import io.ailurus.actors.serialization.KryoMessage;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One ACL as the controller replicates it: a Kafka {@link AclBinding} flattened to its wire codes and strings, so
 * that Kryo writes it field by field and a snapshot does not depend on the layout of kafka-clients' classes.
 *
 * @param resourceType {@link ResourceType#code()}
 * @param patternType  {@link PatternType#code()}
 * @param principal    "Type:name", e.g. "User:alice", or "User:*" for every principal
 * @param host         an IP address, or "*" for every host
 * @param operation    {@link AclOperation#code()}
 * @param permission   {@link AclPermissionType#code()}
 */
public record AclEntry(byte resourceType, String resourceName, byte patternType, String principal, String host,
                       byte operation, byte permission) implements KryoMessage {

    public static AclEntry of(final AclBinding binding) {
        final ResourcePattern pattern = binding.pattern();
        final AccessControlEntry entry = binding.entry();
        return new AclEntry(pattern.resourceType().code(), pattern.name(), pattern.patternType().code(),
                entry.principal(), entry.host(), entry.operation().code(), entry.permissionType().code());
    }

    /** Throws IllegalArgumentException for an entry that no valid binding has (ANY, MATCH): see {@link AclRules}. */
    public AclBinding toBinding() {
        return new AclBinding(
                new ResourcePattern(ResourceType.fromCode(resourceType), resourceName, PatternType.fromCode(patternType)),
                new AccessControlEntry(principal, host, AclOperation.fromCode(operation),
                        AclPermissionType.fromCode(permission)));
    }
}
