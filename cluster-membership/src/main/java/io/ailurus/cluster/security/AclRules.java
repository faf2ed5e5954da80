package io.ailurus.cluster.security;

import java.util.Set;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.SecurityUtils;

/**
 * Kafka's rules for an ACL to be created (CreateAcls) and for a DescribeAcls / DeleteAcls filter. The controller
 * applies them so every member refuses alike; a refusal is the InvalidRequestException Kafka answers with, and says
 * what to change.
 */
public final class AclRules {

    /** The one name a CLUSTER resource has. */
    public static final String CLUSTER_NAME = "kafka-cluster";

    private static final Set<ResourceType> CREATABLE_TYPES = Set.of(ResourceType.TOPIC, ResourceType.GROUP,
            ResourceType.CLUSTER, ResourceType.TRANSACTIONAL_ID, ResourceType.DELEGATION_TOKEN, ResourceType.USER);

    private AclRules() {
    }

    public static void check(final AclBinding binding) {
        check(AclEntry.of(binding));
    }

    /** Checks the codes themselves, so an entry that no {@link AclBinding} can hold (ANY, MATCH) is refused too. */
    public static void check(final AclEntry acl) {
        final ResourceType type = ResourceType.fromCode(acl.resourceType());
        if (!CREATABLE_TYPES.contains(type)) {
            throw new InvalidRequestException("Invalid resource type " + type + " for an ACL: use TOPIC, GROUP, "
                    + "CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN or USER");
        }
        final PatternType patternType = PatternType.fromCode(acl.patternType());
        if (patternType != PatternType.LITERAL && patternType != PatternType.PREFIXED) {
            throw new InvalidRequestException("Invalid pattern type " + patternType
                    + " for an ACL: use LITERAL or PREFIXED (MATCH and ANY are for filters only)");
        }
        final AclOperation operation = AclOperation.fromCode(acl.operation());
        if (operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
            throw new InvalidRequestException("Invalid operation " + operation
                    + " for an ACL: name the operation, or ALL for every operation");
        }
        final AclPermissionType permission = AclPermissionType.fromCode(acl.permission());
        if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
            throw new InvalidRequestException("Invalid permission type " + permission
                    + " for an ACL: use ALLOW or DENY");
        }
        checkResourceName(type, acl.resourceName(), patternType);
        checkPrincipal(acl.principal());
        if (acl.host() == null || acl.host().isEmpty()) {
            throw new InvalidRequestException("An ACL needs a host: an IP address, or * for every host");
        }
    }

    /** Refuses a filter with a value this broker does not know, as Kafka does before describing or deleting. */
    public static void checkFilter(final AclBindingFilter filter) {
        if (filter.patternFilter().isUnknown()) {
            throw new InvalidRequestException("Unknown resource pattern in ACL filter " + filter.patternFilter());
        }
        if (filter.entryFilter().isUnknown()) {
            throw new InvalidRequestException("Unknown entry in ACL filter " + filter.entryFilter());
        }
    }

    private static void checkResourceName(final ResourceType type, final String name, final PatternType patternType) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("Resource name should not be empty");
        }
        // A PREFIXED "*" would read as "every name" but only matches names that start with a '*'.
        if (name.equals(ResourcePattern.WILDCARD_RESOURCE) && patternType != PatternType.LITERAL) {
            throw new InvalidRequestException("The wildcard resource name * is only valid with pattern type LITERAL");
        }
        if (type == ResourceType.CLUSTER && (!name.equals(CLUSTER_NAME) || patternType != PatternType.LITERAL)) {
            throw new InvalidRequestException("The only valid CLUSTER resource is the LITERAL name " + CLUSTER_NAME
                    + ", not " + patternType + " " + name);
        }
    }

    private static void checkPrincipal(final String principal) {
        try {
            SecurityUtils.parseKafkaPrincipal(principal);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Could not parse principal '" + principal
                    + "': expected Type:name, e.g. User:alice or User:*");
        }
    }
}
