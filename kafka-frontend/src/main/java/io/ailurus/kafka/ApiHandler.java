package io.ailurus.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * The broker side of one Kafka API. A handler never blocks: it answers with a future, completed on whatever thread
 * finished the work. A future that completes with null sends no response (acks=0 Produce). A future that fails is
 * answered with the request's error response ({@code Errors.forException}).
 *
 * @param <Q> the request class kafka-clients decodes this API into
 */
public interface ApiHandler<Q extends AbstractRequest> {

    ApiKeys apiKey();

    /** Oldest version implemented; never below what kafka-clients can decode. */
    short oldestVersion();

    /** Newest version implemented: ApiVersions advertises exactly [oldest, latest]. */
    short latestVersion();

    CompletableFuture<AbstractResponse> handle(RequestContext context, Q request);
}
