package io.ailurus.cluster.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;

/**
 * Kafka's authorization decision over a fixed set of ACLs. Built once per ACL change and then only read, so it is
 * thread-safe by immutability; {@link #authorize} runs on every request and allocates nothing.
 *
 * <p>The rules are Kafka's: super users may do everything; the ACLs that apply to a resource are the LITERAL ones of
 * its name, the LITERAL "*" ones and the PREFIXED ones whose name starts the resource's; of those, the ones for the
 * principal (or "User:*") and host (or "*") decide: any DENY of the operation (or of ALL) denies, otherwise an ALLOW
 * of the operation, of ALL, or of an operation implying it allows. A resource that no ACL applies to, for anyone, is
 * allowed or denied by {@code allowEveryoneIfNoAclFound}.
 */
public final class AclAuthorizer {

    static final String WILDCARD_RESOURCE = ResourcePattern.WILDCARD_RESOURCE;

    private final Map<ResourceType, TypeAcls> byType = new EnumMap<>(ResourceType.class);
    private final KafkaPrincipal[] superUsers;
    private final boolean allowEveryoneIfNoAclFound;

    /** The ACLs of one resource type, indexed for lookups by name. */
    private record TypeAcls(Map<String, AclRule[]> literals, AclRule[] wildcard, PrefixTree<AclRule[]> prefixes,
                            List<AclRule> all) {
    }

    /**
     * @param acls       entries AclRules accepted
     * @param superUsers principals as "Type:name", e.g. "User:admin"
     * @throws IllegalArgumentException for a super user that is not "Type:name"
     */
    public AclAuthorizer(final Collection<AclEntry> acls, final Set<String> superUsers,
                         final boolean allowEveryoneIfNoAclFound) {
        this.allowEveryoneIfNoAclFound = allowEveryoneIfNoAclFound;
        this.superUsers = superUsers.stream().map(SecurityUtils::parseKafkaPrincipal).toArray(KafkaPrincipal[]::new);
        final Map<ResourceType, List<AclRule>> rulesByType = new EnumMap<>(ResourceType.class);
        for (final AclEntry acl : acls) {
            final PatternType patternType = PatternType.fromCode(acl.patternType());
            // Only LITERAL and PREFIXED are ever created (AclRules); anything else could apply to no resource.
            if (patternType == PatternType.LITERAL || patternType == PatternType.PREFIXED) {
                rulesByType.computeIfAbsent(ResourceType.fromCode(acl.resourceType()), t -> new ArrayList<>())
                        .add(AclRule.of(acl));
            }
        }
        rulesByType.forEach((type, rules) -> byType.put(type, index(rules)));
    }

    private static TypeAcls index(final List<AclRule> rules) {
        final Map<String, List<AclRule>> literals = new LinkedHashMap<>();
        final Map<String, List<AclRule>> prefixes = new LinkedHashMap<>();
        for (final AclRule rule : rules) {
            (rule.prefixed() ? prefixes : literals).computeIfAbsent(rule.resourceName(), n -> new ArrayList<>())
                    .add(rule);
        }
        final Map<String, AclRule[]> literalArrays = toArrays(literals);
        return new TypeAcls(literalArrays, literalArrays.get(WILDCARD_RESOURCE), PrefixTree.of(toArrays(prefixes)),
                List.copyOf(rules));
    }

    private static Map<String, AclRule[]> toArrays(final Map<String, List<AclRule>> rulesByName) {
        final Map<String, AclRule[]> arrays = new HashMap<>();
        rulesByName.forEach((name, rules) -> arrays.put(name, rules.toArray(AclRule[]::new)));
        return arrays;
    }

    /** Whether {@code principal} connecting from {@code host} may do {@code operation} on the named resource. */
    public boolean authorize(final KafkaPrincipal principal, final String host, final AclOperation operation,
                             final ResourceType resourceType, final String resourceName) {
        if (isSuperUser(principal)) {
            return true;
        }
        final TypeAcls acls = byType.get(resourceType);
        if (acls == null) {
            return allowEveryoneIfNoAclFound;
        }
        boolean applies = false;
        Verdict verdict = Verdict.NONE;
        final AclRule[] literal = acls.literals().get(resourceName);
        if (literal != null) {
            applies = true;
            verdict = judge(literal, principal, host, operation);
        }
        if (acls.wildcard() != null && verdict != Verdict.DENY && !WILDCARD_RESOURCE.equals(resourceName)) {
            applies = true;
            verdict = verdict.and(judge(acls.wildcard(), principal, host, operation));
        }
        PrefixTree.Node<AclRule[]> node = acls.prefixes().root();
        for (int i = 0; i < resourceName.length() && verdict != Verdict.DENY; i++) {
            node = node.child(resourceName.charAt(i));
            if (node == null) {
                break;
            }
            if (node.value() != null) {
                applies = true;
                verdict = verdict.and(judge(node.value(), principal, host, operation));
            }
        }
        return applies ? verdict == Verdict.ALLOW : allowEveryoneIfNoAclFound;
    }

    /**
     * Whether {@code principal} may do {@code operation} on at least one resource of the type, now or once it exists
     * (Kafka's authorizeByResourceType, KIP-679; used e.g. for an idempotent producer's InitProducerId). Allowed when
     * an ALLOW of the operation (or of ALL, or implying it) is not cancelled by a DENY that covers all its names: a
     * DENY on "*" cancels every ALLOW, a DENY on the same literal name cancels a literal ALLOW, a DENY on a prefix of
     * an ALLOW's name cancels it. A resource type with no ACL on "*" always has names no ACL applies to, so with
     * {@code allowEveryoneIfNoAclFound} it is allowed.
     *
     * @throws IllegalArgumentException for the operation or resource type ANY or UNKNOWN, as Kafka does
     */
    public boolean authorizeAny(final KafkaPrincipal principal, final String host, final AclOperation operation,
                                final ResourceType resourceType) {
        SecurityUtils.authorizeByResourceTypeCheckArgs(operation, resourceType);
        if (isSuperUser(principal)) {
            return true;
        }
        final TypeAcls acls = byType.get(resourceType);
        if (acls == null) {
            return allowEveryoneIfNoAclFound;
        }
        final List<AclRule> allows = new ArrayList<>();
        final List<AclRule> denies = new ArrayList<>();
        for (final AclRule rule : acls.all()) {
            if (rule.decides(principal, host, operation)) {
                (rule.deny() ? denies : allows).add(rule);
            }
        }
        if (denies.stream().anyMatch(AclRule::isWildcardResource)) {
            return false;
        }
        if (allowEveryoneIfNoAclFound && acls.wildcard() == null) {
            return true;
        }
        return allows.stream().anyMatch(allow -> allow.isWildcardResource()
                || denies.stream().noneMatch(deny -> cancels(deny, allow)));
    }

    /** Whether {@code deny} denies every name that {@code allow} allows. */
    private static boolean cancels(final AclRule deny, final AclRule allow) {
        if (deny.prefixed()) {
            return allow.resourceName().startsWith(deny.resourceName());
        }
        return !allow.prefixed() && allow.resourceName().equals(deny.resourceName());
    }

    private boolean isSuperUser(final KafkaPrincipal principal) {
        for (final KafkaPrincipal superUser : superUsers) {
            if (superUser.getName().equals(principal.getName())
                    && superUser.getPrincipalType().equals(principal.getPrincipalType())) {
                return true;
            }
        }
        return false;
    }

    private static Verdict judge(final AclRule[] rules, final KafkaPrincipal principal, final String host,
                                 final AclOperation operation) {
        Verdict verdict = Verdict.NONE;
        for (final AclRule rule : rules) {
            if (rule.decides(principal, host, operation)) {
                if (rule.deny()) {
                    return Verdict.DENY;
                }
                verdict = Verdict.ALLOW;
            }
        }
        return verdict;
    }

    /** What the ACLs seen so far say about one request; DENY outranks ALLOW, which outranks nothing. */
    private enum Verdict {
        NONE, ALLOW, DENY;

        Verdict and(final Verdict other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }
}
