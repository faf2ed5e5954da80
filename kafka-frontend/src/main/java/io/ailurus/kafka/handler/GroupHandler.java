package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.group.GroupCoordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Base of the group APIs: they all route to the group's coordinator. Versions: kafka-clients' oldest up to
 * {@code latest}, which stays below versions that need the KIP-848 protocol or topic ids in group requests.
 */
abstract class GroupHandler<Q extends AbstractRequest> implements ApiHandler<Q> {

    protected final GroupCoordinator coordinator;
    private final ApiKeys api;
    private final short latest;

    GroupHandler(final GroupCoordinator coordinator, final ApiKeys api, final int latest) {
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
