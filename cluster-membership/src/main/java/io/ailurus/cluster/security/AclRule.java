package io.ailurus.cluster.security;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * An {@link AclEntry} prepared for the authorizer's hot path: the principal split once into type and name, the
 * wildcards as flags, and the operations the entry decides (an ALLOW also grants the operations its own implies).
 */
record AclRule(String resourceName, boolean prefixed, String principalType, String principalName,
               boolean anyPrincipal, String host, boolean anyHost, boolean deny, Set<AclOperation> operations) {

    /** Kafka's wildcard principal: it matches every principal, whatever its type. */
    static final String ANY_PRINCIPAL = "User:*";
    static final String ANY_HOST = "*";

    /** Operations whose ALLOW also allows DESCRIBE: who may use a resource may see it. */
    private static final Set<AclOperation> IMPLY_DESCRIBE = EnumSet.of(AclOperation.READ, AclOperation.WRITE,
            AclOperation.DELETE, AclOperation.ALTER);

    static AclRule of(final AclEntry entry) {
        final String principal = entry.principal();
        // Same split as SecurityUtils.parseKafkaPrincipal; an entry that does not parse matches no one (AclRules
        // refuses it on creation, so this only guards against a corrupt entry breaking the broker).
        final int colon = principal == null ? -1 : principal.indexOf(':');
        final String type = colon < 0 ? null : principal.substring(0, colon);
        final String name = colon < 0 ? null : principal.substring(colon + 1);
        final boolean deny = AclPermissionType.fromCode(entry.permission()) == AclPermissionType.DENY;
        return new AclRule(entry.resourceName(), PatternType.fromCode(entry.patternType()) == PatternType.PREFIXED,
                type, name, ANY_PRINCIPAL.equals(principal), entry.host(), ANY_HOST.equals(entry.host()), deny,
                decided(AclOperation.fromCode(entry.operation()), deny));
    }

    /** Kafka implies DESCRIBE and DESCRIBE_CONFIGS from ALLOWs only: a DENY of READ leaves DESCRIBE alone. */
    private static Set<AclOperation> decided(final AclOperation operation, final boolean deny) {
        if (operation == AclOperation.ALL) {
            return EnumSet.allOf(AclOperation.class);
        }
        final Set<AclOperation> operations = EnumSet.of(operation);
        if (!deny && IMPLY_DESCRIBE.contains(operation)) {
            operations.add(AclOperation.DESCRIBE);
        }
        if (!deny && operation == AclOperation.ALTER_CONFIGS) {
            operations.add(AclOperation.DESCRIBE_CONFIGS);
        }
        return operations;
    }

    boolean isWildcardResource() {
        return !prefixed && AclAuthorizer.WILDCARD_RESOURCE.equals(resourceName);
    }

    /** True when this rule decides {@code operation} for this principal connecting from this host. */
    boolean decides(final KafkaPrincipal principal, final String host, final AclOperation operation) {
        return operations.contains(operation)
                && (anyHost || this.host != null && this.host.equals(host))
                && (anyPrincipal || principalName != null && principalName.equals(principal.getName())
                        && principalType.equals(principal.getPrincipalType()));
    }
}
