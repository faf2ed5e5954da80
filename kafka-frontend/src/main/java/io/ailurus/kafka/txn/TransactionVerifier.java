package io.ailurus.kafka.txn;

import io.ailurus.kafka.BrokerLinks;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * Asks a transactional id's coordinator whether a partition is in the producer's open transaction, before the
 * partition appends the producer's first transactional batch (KIP-890 part 1): the coordinator here directly, another
 * node's with AddPartitionsToTxn v4 (verify only), as Kafka's brokers do. Any failure to ask is retriable for the
 * producer (its produce is answered NOT_ENOUGH_REPLICAS and retried).
 */
public final class TransactionVerifier {

    private static final short VERIFY_VERSION = 4;

    private final BrokerServices services;
    private final TransactionCoordinator coordinator;
    private final BrokerLinks links;

    public TransactionVerifier(final BrokerServices services, final TransactionCoordinator coordinator,
            final BrokerLinks links) {
        this.services = services;
        this.coordinator = coordinator;
        this.links = links;
    }

    public CompletableFuture<Errors> verify(final String transactionalId, final long producerId, final short epoch,
            final TopicPartition partition) {
        if (coordinator.isActive(transactionalId)) {
            return coordinator.<Map<TopicPartition, Errors>>tell(transactionalId, reply -> new TransactionCoordinatorShard.VerifyPartitions(
                            transactionalId, producerId, epoch, List.of(partition), reply))
                    .handle((answer, failure) -> failure != null ? Errors.COORDINATOR_NOT_AVAILABLE : answer.get(partition));
        }
        final int leader = services.cluster().partition(new TopicPartition(TransactionCoordinator.STATE_TOPIC,
                coordinator.partitionFor(transactionalId))).leaderId();
        final Optional<ClusterView.Broker> broker = leader == services.nodeId() ? Optional.empty()
                : services.cluster().broker(leader);
        if (broker.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        final AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(partition.topic())
                .setPartitions(List.of(partition.partition())));
        final AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection transactions =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                .setTransactionalId(transactionalId).setProducerId(producerId).setProducerEpoch(epoch)
                .setVerifyOnly(true).setTopics(topics));
        return links.send(broker.get(), AddPartitionsToTxnRequest.Builder.forBroker(transactions), VERIFY_VERSION)
                .handle((response, failure) -> {
                    if (failure != null) {
                        return Errors.COORDINATOR_NOT_AVAILABLE;
                    }
                    final AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse) response;
                    if (r.data().errorCode() != Errors.NONE.code()) {
                        return Errors.forCode(r.data().errorCode());
                    }
                    return r.errors().getOrDefault(transactionalId, Map.of()).getOrDefault(partition, Errors.UNKNOWN_SERVER_ERROR);
                });
    }
}
