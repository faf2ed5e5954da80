package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/** A handler of a coordinator's API (groups, transactions): the coordinator, the API and the newest version served. */
abstract class CoordinatorHandler<C, Q extends AbstractRequest> implements ApiHandler<Q> {

    protected final C coordinator;
    private final ApiKeys api;
    private final short latest;

    CoordinatorHandler(final C coordinator, final ApiKeys api, final int latest) {
        this.coordinator = coordinator;
        this.api = api;
        this.latest = (short) Math.min(latest, api.latestVersion());
    }

    @Override
    public final ApiKeys apiKey() {
        return api;
    }

    @Override
    public final short oldestVersion() {
        return api.oldestVersion();
    }

    @Override
    public final short latestVersion() {
        return latest;
    }
}
