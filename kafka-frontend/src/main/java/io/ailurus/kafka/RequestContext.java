package io.ailurus.kafka;

import org.apache.kafka.common.requests.RequestHeader;

/**
 * Where a request came from.
 *
 * @param header        the decoded request header (api key, version, client id, correlation id)
 * @param clientAddress the peer's address, for log lines
 * @param connectionId  this listener's id of the connection
 */
public record RequestContext(RequestHeader header, String clientAddress, long connectionId) {

    public short apiVersion() {
        return header.apiVersion();
    }

    /** The client's host as group APIs report it ("/127.0.0.1"), without the port. */
    public String clientHost() {
        final String address = clientAddress.startsWith("/") ? clientAddress.substring(1) : clientAddress;
        final int colon = address.lastIndexOf(':');
        return "/" + (colon > 0 ? address.substring(0, colon) : address);
    }
}
