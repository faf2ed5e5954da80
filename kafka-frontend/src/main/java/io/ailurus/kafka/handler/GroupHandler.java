package io.ailurus.kafka.handler;

import io.ailurus.kafka.group.GroupCoordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Base of the group APIs: they all route to the group's coordinator. Versions: kafka-clients' oldest up to
 * {@code latest}, which stays below versions that need the KIP-848 protocol or topic ids in group requests.
 */
abstract class GroupHandler<Q extends AbstractRequest> extends CoordinatorHandler<GroupCoordinator, Q> {

    GroupHandler(final GroupCoordinator coordinator, final ApiKeys api, final int latest) {
        super(coordinator, api, latest);
    }
}
