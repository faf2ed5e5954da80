package io.ailurus.kafka.handler;

import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * WriteTxnMarkers: a transaction coordinator on another node (or an admin aborting a hanging transaction) writes
 * COMMIT/ABORT markers to partitions led here. Answered per partition once each marker is committed.
 */
public final class WriteTxnMarkersHandler extends TransactionHandler<WriteTxnMarkersRequest> {

    public WriteTxnMarkersHandler(final TransactionCoordinator coordinator) {
        super(coordinator, ApiKeys.WRITE_TXN_MARKERS, Short.MAX_VALUE);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final WriteTxnMarkersRequest request) {
        if (!context.authorizedOnCluster(AclOperation.CLUSTER_ACTION)) {
            return CompletableFuture.failedFuture(new ClusterAuthorizationException(
                    "WriteTxnMarkers is a broker's request: it needs CLUSTER_ACTION"));
        }
        final WriteTxnMarkersResponseData data = new WriteTxnMarkersResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final WriteTxnMarkersRequestData.WritableTxnMarker marker : request.data().markers()) {
            final WriteTxnMarkersResponseData.WritableTxnMarkerResult result =
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(marker.producerId());
            data.markers().add(result);
            for (final WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
                final WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topicResult =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(topic.name());
                result.topics().add(topicResult);
                for (final int partition : topic.partitionIndexes()) {
                    final WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult out =
                            new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult().setPartitionIndex(partition);
                    topicResult.partitions().add(out);
                    pending.add(coordinator.markers().writeLocal(new TopicPartition(topic.name(), partition),
                                    marker.producerId(), marker.producerEpoch(), marker.transactionResult(),
                                    marker.coordinatorEpoch())
                            .exceptionally(failure -> Errors.forException(Futures.cause(failure)))
                            .thenAccept(error -> {
                                synchronized (data) {
                                    out.setErrorCode(error.code());
                                }
                            }));
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> {
            synchronized (data) {
                return new WriteTxnMarkersResponse(data);
            }
        });
    }
}
