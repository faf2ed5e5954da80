package io.ailurus.kafka.security;

import java.net.InetAddress;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/** Decides whether a principal may do an operation on a resource (Kafka's authorizer, with its ACL semantics). */
public interface Authorizer {

    /** Authorization off: everything is allowed (the default of a node without authenticating listeners). */
    Authorizer ALLOW_ALL = new Authorizer() {
        @Override
        public boolean authorized(final KafkaPrincipal principal, final InetAddress host, final AclOperation operation,
                final ResourceType type, final String name) {
            return true;
        }

        @Override
        public boolean authorizedForAny(final KafkaPrincipal principal, final InetAddress host,
                final AclOperation operation, final ResourceType type) {
            return true;
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    boolean authorized(KafkaPrincipal principal, InetAddress host, AclOperation operation, ResourceType type,
            String name);

    /** Allowed on at least one resource of {@code type} (Kafka's authorizeByResourceType, KIP-679). */
    boolean authorizedForAny(KafkaPrincipal principal, InetAddress host, AclOperation operation, ResourceType type);

    /** Whether ACLs are enforced at all (DescribeAcls and CreateAcls answer SECURITY_DISABLED when not). */
    default boolean enabled() {
        return true;
    }
}
