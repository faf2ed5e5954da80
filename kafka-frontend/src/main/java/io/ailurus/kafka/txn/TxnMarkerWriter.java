package io.ailurus.kafka.txn;

import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.partition.replica.AppendResult;
import io.ailurus.partition.replica.BrokerChannel;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
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
    private static final int REMOTE_TIMEOUT_MS = 35_000;
    private static final long MAX_BACKOFF_MS = 1_000;

    private final BrokerServices services;
    private final GroupCoordinator groups;
    /** Blocking sends to other brokers run here, never on an actor or network thread. */
    private final ExecutorService remoteSends;
    private final Map<String, BrokerChannel> channels = new HashMap<>();   // guarded by itself

    public TxnMarkerWriter(final BrokerServices services, final GroupCoordinator groups) {
        this.services = services;
        this.groups = groups;
        this.remoteSends = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "ailurus-txn-markers");
            t.setDaemon(true);
            return t;
        });
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
        return CompletableFuture.supplyAsync(() -> writeRemote(broker.get(), tp, m, coordinatorEpoch), remoteSends);
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

    private Errors writeRemote(final ClusterView.Broker broker, final TopicPartition tp,
            final TransactionCoordinatorState.Markers m, final int coordinatorEpoch) {
        final WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
        data.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch())
                .setTransactionResult(m.commit()).setCoordinatorEpoch(coordinatorEpoch)
                .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                        .setName(tp.topic()).setPartitionIndexes(List.of(tp.partition())))));
        final String address = broker.host() + ":" + broker.port();
        try {
            final AbstractResponse response = channel(broker, address)
                    .send(new WriteTxnMarkersRequest.Builder(data).build((short) 1));
            for (final WriteTxnMarkersResponseData.WritableTxnMarkerResult r : ((WriteTxnMarkersResponse) response).data().markers()) {
                for (final WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult t : r.topics()) {
                    for (final WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : t.partitions()) {
                        return Errors.forCode(p.errorCode());
                    }
                }
            }
            return Errors.UNKNOWN_SERVER_ERROR;
        } catch (IOException e) {
            synchronized (channels) {
                channels.remove(address);
            }
            return Errors.NETWORK_EXCEPTION;
        }
    }

    private BrokerChannel channel(final ClusterView.Broker broker, final String address) throws IOException {
        synchronized (channels) {
            final BrokerChannel open = channels.get(address);
            if (open != null && open.isOpen()) {
                return open;
            }
        }
        final BrokerChannel fresh = new BrokerChannel(broker.host(), broker.port(),
                "ailurus-txn-coordinator-" + services.nodeId(), REMOTE_TIMEOUT_MS);
        synchronized (channels) {
            final BrokerChannel raced = channels.put(address, fresh);
            if (raced != null && raced != fresh) {
                raced.close();
            }
        }
        return fresh;
    }

    /** Closes the connections to other brokers. */
    public void close() {
        remoteSends.shutdownNow();
        synchronized (channels) {
            channels.values().forEach(BrokerChannel::close);
            channels.clear();
        }
    }
}
