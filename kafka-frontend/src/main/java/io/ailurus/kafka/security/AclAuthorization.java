package io.ailurus.kafka.security;

import io.ailurus.cluster.security.AclAuthorizer;
import io.ailurus.cluster.security.AclEntry;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The node's authorizer when ACLs are enforced: Kafka's rules over the cluster's ACLs as this node last applied them.
 * The matcher is rebuilt only when the ACL list changes (the controller publishes a new list then), so requests read
 * an immutable index.
 */
public final class AclAuthorization implements Authorizer {

    private record Built(List<AclEntry> source, AclAuthorizer authorizer) {
    }

    private final Supplier<List<AclEntry>> acls;
    private final Set<String> superUsers;
    private final boolean allowEveryoneIfNoAclFound;
    private volatile Built built;

    public AclAuthorization(final Supplier<List<AclEntry>> acls, final Set<String> superUsers,
            final boolean allowEveryoneIfNoAclFound) {
        this.acls = acls;
        this.superUsers = Set.copyOf(superUsers);
        this.allowEveryoneIfNoAclFound = allowEveryoneIfNoAclFound;
        this.built = new Built(List.of(), new AclAuthorizer(List.of(), this.superUsers, allowEveryoneIfNoAclFound));
    }

    private AclAuthorizer current() {
        final List<AclEntry> now = acls.get();
        Built b = built;
        if (b.source() != now) {
            // A new image: rebuild only if its ACLs differ; either way remember its list, so the next call is cheap.
            b = new Built(now, b.source().equals(now) ? b.authorizer()
                    : new AclAuthorizer(now, superUsers, allowEveryoneIfNoAclFound));
            built = b;
        }
        return b.authorizer();
    }

    @Override
    public boolean authorized(final KafkaPrincipal principal, final InetAddress host, final AclOperation operation,
            final ResourceType type, final String name) {
        return current().authorize(principal, host.getHostAddress(), operation, type, name);
    }

    @Override
    public boolean authorizedForAny(final KafkaPrincipal principal, final InetAddress host,
            final AclOperation operation, final ResourceType type) {
        return current().authorizeAny(principal, host.getHostAddress(), operation, type);
    }
}
