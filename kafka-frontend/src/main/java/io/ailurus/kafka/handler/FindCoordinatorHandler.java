package io.ailurus.kafka.handler;

import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.txn.TransactionCoordinator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator: for a group, the node leading its {@code __consumer_offsets} partition; for a transactional id,
 * the node leading its {@code __transaction_state} partition (the topic is created at the first such request). This
 * node once its coordinator has loaded; until then COORDINATOR_NOT_AVAILABLE, which clients retry.
 */
public final class FindCoordinatorHandler extends GroupHandler<FindCoordinatorRequest> {

    private final BrokerServices services;
    private final TransactionCoordinator transactions;

    public FindCoordinatorHandler(final BrokerServices services, final GroupCoordinator coordinator,
            final TransactionCoordinator transactions) {
        super(coordinator, ApiKeys.FIND_COORDINATOR, 6);
        this.services = services;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final FindCoordinatorRequest request) {
        final byte keyType = request.data().keyType();
        final FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (request.version() < 4) {
            final FindCoordinatorResponseData.Coordinator c = find(context, request.data().key(), keyType);
            data.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId()).setHost(c.host())
                    .setPort(c.port());
        } else {
            final List<String> keys = request.data().coordinatorKeys();
            for (final String key : keys) {
                data.coordinators().add(find(context, key, keyType));
            }
        }
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(data));
    }

    private FindCoordinatorResponseData.Coordinator find(final RequestContext context, final String key,
            final byte keyType) {
        final FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator().setKey(key)
                .setNodeId(-1).setHost("").setPort(-1);
        if (keyType != 0 && keyType != 1) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("unsupported coordinator type " + keyType);
        }
        final boolean transactional = keyType == 1;
        if (key == null || key.isEmpty()) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(transactional
                    ? "an empty transactional id has no coordinator" : "an empty group id has no coordinator");
        }
        if (!context.authorized(AclOperation.DESCRIBE,
                transactional ? ResourceType.TRANSACTIONAL_ID : ResourceType.GROUP, key)) {
            final Errors denied = transactional ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                    : Errors.GROUP_AUTHORIZATION_FAILED;
            return c.setErrorCode(denied.code()).setErrorMessage(denied.message());
        }
        if (transactional && !transactions.ensureStateTopic()) {
            return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage("the coordinator is loading");
        }
        final String listener = context.connection().listenerName();
        if (transactional ? transactions.isActive(key) : coordinator.isActive(key)) {
            final Optional<ClusterView.Broker> self = services.cluster().broker(services.nodeId(), listener);
            if (self.isPresent()) {
                return c.setErrorCode(Errors.NONE.code()).setNodeId(services.nodeId()).setHost(self.get().host())
                        .setPort(self.get().port());
            }
        }
        // The coordinator is wherever the key's partition is led.
        final TopicPartition partition = transactional
                ? new TopicPartition(TransactionCoordinator.STATE_TOPIC, transactions.partitionFor(key))
                : new TopicPartition(GroupCoordinator.OFFSETS_TOPIC, coordinator.partitionFor(key));
        final int leader = services.cluster().partition(partition).leaderId();
        final Optional<ClusterView.Broker> broker = leader == services.nodeId() ? Optional.empty()
                : services.cluster().broker(leader, listener);
        if (broker.isEmpty()) {
            return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage("the coordinator is loading");
        }
        return c.setErrorCode(Errors.NONE.code()).setNodeId(leader).setHost(broker.get().host())
                .setPort(broker.get().port());
    }
}
