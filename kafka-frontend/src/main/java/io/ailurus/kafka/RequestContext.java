package io.ailurus.kafka;

import io.ailurus.kafka.network.ClientConnection;
import io.ailurus.kafka.security.Authorizer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Where a request came from, and what its sender may do.
 *
 * @param header     the decoded request header (api key, version, client id, correlation id)
 * @param connection the client's connection: its address, listener and principal
 * @param authorizer decides on the principal's operations ({@link Authorizer#ALLOW_ALL} when ACLs are off)
 */
public record RequestContext(RequestHeader header, ClientConnection connection, Authorizer authorizer) {

    public short apiVersion() {
        return header.apiVersion();
    }

    /** The peer's address, for log lines. */
    public String clientAddress() {
        return connection.remoteAddress();
    }

    /** This listener's id of the connection. */
    public long connectionId() {
        return connection.id();
    }

    public KafkaPrincipal principal() {
        return connection.principal();
    }

    public boolean authorized(final AclOperation operation, final ResourceType type, final String name) {
        return authorizer.authorized(connection.principal(), connection.remoteHost(), operation, type, name);
    }

    /** The cluster resource, which Kafka names "kafka-cluster". */
    public boolean authorizedOnCluster(final AclOperation operation) {
        return authorized(operation, ResourceType.CLUSTER, "kafka-cluster");
    }

    public boolean authorizedForAny(final AclOperation operation, final ResourceType type) {
        return authorizer.authorizedForAny(connection.principal(), connection.remoteHost(), operation, type);
    }

    /** The client's host as group APIs report it ("/127.0.0.1"), without the port. */
    public String clientHost() {
        final String address = clientAddress().startsWith("/") ? clientAddress().substring(1) : clientAddress();
        final int colon = address.lastIndexOf(':');
        return "/" + (colon > 0 ? address.substring(0, colon) : address);
    }
}
