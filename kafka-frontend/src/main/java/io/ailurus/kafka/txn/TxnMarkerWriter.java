package io.ailurus.kafka.txn;

import io.ailurus.kafka.BrokerLinks;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.partition.replica.AppendResult;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the COMMIT or ABORT markers of a decided transaction to each of its partitions, wherever they are led: a
 * partition led here through its replica (an offsets partition through its group coordinator, which makes the
 * transaction's offsets visible), one led elsewhere with WriteTxnMarkers to its leader, as Kafka's coordinator does.
 * Each partition is retried (leaders move, nodes restart) until it has its marker or the coordinator stops; a
 * partition whose topic was deleted needs none.
 */
public final class TxnMarkerWriter {

    private static final Logger LOG = LoggerFactory.getLogger(TxnMarkerWriter.class);
    private static final long LOCAL_TIMEOUT_MS = 30_000;
    private static final long MAX_BACKOFF_MS = 1_000;

    private final BrokerServices services;
    private final GroupCoordinator groups;
    private final BrokerLinks links;

    public TxnMarkerWriter(final BrokerServices services, final GroupCoordinator groups, final BrokerLinks links) {
        this.services = services;
        this.groups = groups;
        this.links = links;
    }

    /** Completes once every partition of the transaction has its marker; gives up (fails) once {@code active} is false. */
    public CompletableFuture<Void> write(final TransactionCoordinatorState.Markers markers, final int coordinatorEpoch,
            final BooleanSupplier active) {
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (final TopicPartition tp : markers.partitions()) {
            all.add(writeWithRetries(tp, markers, coordinatorEpoch, active, 0));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> writeWithRetries(final TopicPartition tp, final TransactionCoordinatorState.Markers m,
            final int coordinatorEpoch, final BooleanSupplier active, final int attempt) {
        if (!active.getAsBoolean()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no longer the coordinator"));
        }
        return writeOnce(tp, m, coordinatorEpoch).exceptionally(Errors::forException).thenCompose(error -> {
            if (error == Errors.TRANSACTION_COORDINATOR_FENCED) {
                // A newer coordinator of this transactional id wrote there: this one is deposed and stops.
                return CompletableFuture.failedFuture(error.exception("coordinator epoch " + coordinatorEpoch
                        + " is fenced on " + tp));
            }
            // INVALID_PRODUCER_EPOCH: a newer epoch of the producer wrote its own marker there; nothing is left to end.
            if (error == Errors.NONE || error == Errors.INVALID_PRODUCER_EPOCH || error == Errors.UNKNOWN_TOPIC_OR_PARTITION
                    && services.topics().topic(tp.topic()).isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            if (attempt == 3) {
                LOG.info("Marker of transaction '{}' for {} not written yet ({}); retrying", m.transactionalId(), tp, error);
            }
            final long backoff = Math.min(MAX_BACKOFF_MS, 50L << Math.min(attempt, 5));
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS,
                    services.timer())).thenCompose(v -> writeWithRetries(tp, m, coordinatorEpoch, active, attempt + 1));
        });
    }

    private CompletableFuture<Errors> writeOnce(final TopicPartition tp, final TransactionCoordinatorState.Markers m,
            final int coordinatorEpoch) {
        if (services.topics().topic(tp.topic()).isEmpty()) {
            return CompletableFuture.completedFuture(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        final int leader = services.cluster().partition(tp).leaderId();
        if (leader == services.nodeId() || services.replicas().leader(tp) != null) {
            return writeLocal(tp, m.producerId(), m.producerEpoch(), m.commit(), coordinatorEpoch);
        }
        final Optional<ClusterView.Broker> broker = services.cluster().broker(leader);
        if (broker.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        return writeRemote(broker.get(), tp, m, coordinatorEpoch);
    }

    /** Appends a marker to a partition led here (also what WriteTxnMarkers from another coordinator does). */
    public CompletableFuture<Errors> writeLocal(final TopicPartition tp, final long producerId, final short producerEpoch,
            final boolean commit, final int coordinatorEpoch) {
        if (GroupCoordinator.OFFSETS_TOPIC.equals(tp.topic())) {
            return groups.completeTransaction(tp.partition(), producerId, producerEpoch, commit, coordinatorEpoch);
        }
        final ReplicaHandle replica = services.replicas().leader(tp);
        if (replica == null) {
            return CompletableFuture.completedFuture(services.topics().topic(tp.topic()).isEmpty()
                    ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NOT_LEADER_OR_FOLLOWER);
        }
        final CompletableFuture<AppendResult> reply = new CompletableFuture<>();
        replica.actor().tell(new PartitionReplica.WriteTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, reply));
        return reply.orTimeout(LOCAL_TIMEOUT_MS, TimeUnit.MILLISECONDS).thenApply(AppendResult::error);
    }

    private CompletableFuture<Errors> writeRemote(final ClusterView.Broker broker, final TopicPartition tp,
            final TransactionCoordinatorState.Markers m, final int coordinatorEpoch) {
        final WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
        data.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch())
                .setTransactionResult(m.commit()).setCoordinatorEpoch(coordinatorEpoch)
                .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                        .setName(tp.topic()).setPartitionIndexes(List.of(tp.partition())))));
        return links.send(broker, new WriteTxnMarkersRequest.Builder(data), (short) 1).handle((response, failure) -> {
            if (failure != null) {
                return Errors.NETWORK_EXCEPTION;
            }
            for (final WriteTxnMarkersResponseData.WritableTxnMarkerResult r : ((WriteTxnMarkersResponse) response).data().markers()) {
                for (final WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult t : r.topics()) {
                    for (final WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : t.partitions()) {
                        return Errors.forCode(p.errorCode());
                    }
                }
            }
            return Errors.UNKNOWN_SERVER_ERROR;
        });
    }
}
