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
}
