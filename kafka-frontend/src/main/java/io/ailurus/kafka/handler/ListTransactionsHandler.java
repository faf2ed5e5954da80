package io.ailurus.kafka.handler;

import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TxnMetadata;
import io.ailurus.kafka.txn.TxnState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;

/**
 * ListTransactions: the transactional ids whose coordinators run on this node, filtered by state, producer id,
 * duration (v1, ongoing for longer than) and id pattern (v2); the admin client asks every broker and merges.
 */
public final class ListTransactionsHandler extends TransactionHandler<ListTransactionsRequest> {

    public ListTransactionsHandler(final TransactionCoordinator coordinator) {
        super(coordinator, ApiKeys.LIST_TRANSACTIONS, Short.MAX_VALUE);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final ListTransactionsRequest request) {
        final ListTransactionsRequestData q = request.data();
        final ListTransactionsResponseData data = new ListTransactionsResponseData();
        final Set<TxnState> states = new HashSet<>();
        final List<String> unknownStates = new ArrayList<>();
        for (final String name : q.stateFilters()) {
            final TxnState state = TxnState.ofKafkaName(name);
            if (state == null) {
                unknownStates.add(name);
            } else {
                states.add(state);
            }
        }
        final Pattern pattern;
        try {
            pattern = q.transactionalIdPattern() == null || q.transactionalIdPattern().isEmpty()
                    ? null : Pattern.compile(q.transactionalIdPattern());
        } catch (PatternSyntaxException e) {
            return CompletableFuture.completedFuture(new ListTransactionsResponse(data.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code())));
        }
        final Set<Long> producerIds = new HashSet<>(q.producerIdFilters());
        final long now = System.currentTimeMillis();
        return coordinator.listAll().thenApply(all -> {
            for (final TxnMetadata m : all) {
                final boolean matches = (states.isEmpty() || states.contains(m.state()))
                        && (producerIds.isEmpty() || producerIds.contains(m.producerId()))
                        && (q.durationFilter() < 0 || m.startTimestampMs() >= 0 && now - m.startTimestampMs() > q.durationFilter())
                        && (pattern == null || pattern.matcher(m.transactionalId()).matches())
                        // Kafka lists only the transactional ids the client may describe.
                        && context.authorized(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, m.transactionalId());
                if (matches) {
                    data.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                            .setTransactionalId(m.transactionalId()).setProducerId(m.producerId())
                            .setTransactionState(m.state().kafkaName()));
                }
            }
            return new ListTransactionsResponse(data.setErrorCode(Errors.NONE.code()).setUnknownStateFilters(unknownStates));
        });
    }
}
