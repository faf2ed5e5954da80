package io.ailurus.kafka.handler;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.kafka.txn.TransactionVerifier;
import io.ailurus.partition.replica.AppendResult;
import io.ailurus.partition.replica.ReplicaHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Produce: each partition's records go to its replica actor as they arrived (the decoded {@code MemoryRecords} is a
 * slice of the request frame: no copy, no re-encoding). acks=0 gets no response; acks=1 is answered once appended,
 * acks=all once durable. Produce v3+ carries exactly one batch per partition (as Kafka requires).
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProduceHandler.class);

    private final BrokerServices services;
    private final TransactionVerifier transactions;

    public ProduceHandler(final BrokerServices services, final TransactionVerifier transactions) {
        this.services = services;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.PRODUCE.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.PRODUCE.latestVersion();
    }

    /** A partition answer in the making. */
    private record Pending(ProduceRequestData.TopicProduceData topic, int partition,
            CompletableFuture<ProduceResponseData.PartitionProduceResponse> response) {
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final ProduceRequest request) {
        final ProduceRequestData data = request.data();
        final short acks = data.acks();
        final Duration timeout = Duration.ofMillis(Math.max(1, data.timeoutMs()));
        final boolean byId = request.version() >= 13;
        final List<Pending> pending = new ArrayList<>();
        final boolean transactionAllowed = data.transactionalId() == null
                || context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId());
        for (final ProduceRequestData.TopicProduceData topic : data.topicData()) {
            final Optional<TopicMetadata> meta = byId ? services.topics().topic(topic.topicId())
                    : services.topics().topic(topic.name());
            final boolean writeAllowed = context.authorized(AclOperation.WRITE, ResourceType.TOPIC,
                    meta.map(TopicMetadata::name).orElse(topic.name()));
            for (final ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                final CompletableFuture<ProduceResponseData.PartitionProduceResponse> response;
                if (!transactionAllowed) {
                    response = failed(partition.index(), Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, null);
                } else if (!writeAllowed) {
                    response = failed(partition.index(), Errors.TOPIC_AUTHORIZATION_FAILED, null);
                } else if (meta.isPresent() && Topic.isInternal(meta.get().name())) {
                    response = failed(partition.index(), Errors.INVALID_TOPIC_EXCEPTION,
                            "topic " + meta.get().name() + " is internal: only the broker writes to it");
                } else if (meta.isEmpty()) {
                    response = failed(partition.index(), byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                } else {
                    response = append(meta.get(), partition, acks, timeout, data.transactionalId());
                }
                pending.add(new Pending(topic, partition.index(), response));
            }
        }
        if (acks == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return Futures.allSettled(pending.stream().map(Pending::response).toList()).thenApply(ignored -> {
            final ProduceResponseData response = new ProduceResponseData();
            for (final Pending p : pending) {
                ProduceResponseData.TopicProduceResponse topic = response.responses().find(p.topic().name(), p.topic().topicId());
                if (topic == null) {
                    topic = new ProduceResponseData.TopicProduceResponse().setName(p.topic().name()).setTopicId(p.topic().topicId());
                    response.responses().add(topic);
                }
                topic.partitionResponses().add(p.response().join());
            }
            return new ProduceResponse(response);
        });
    }

    private CompletableFuture<ProduceResponseData.PartitionProduceResponse> append(final TopicMetadata topic,
            final ProduceRequestData.PartitionProduceData partition, final short acks, final Duration timeout,
            final String transactionalId) {
        final int index = partition.index();
        if (index < 0 || index >= topic.partitions()) {
            return failed(index, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
        }
        final ReplicaHandle replica = services.replicas().leader(new TopicPartition(topic.name(), index));
        if (replica == null) {
            return failed(index, Errors.NOT_LEADER_OR_FOLLOWER, null);
        }
        if (!(partition.records() instanceof MemoryRecords records) || !holdsOneBatch(records)) {
            return failed(index, Errors.INVALID_RECORD, "a produce request must carry exactly one record batch per partition");
        }
        final RecordBatch first = records.firstBatch();
        final CompletableFuture<AppendResult> appended;
        if (transactionalId != null && first != null && first.isTransactional()) {
            appended = appendTransactional(replica, records, acks, timeout, transactionalId, first);
        } else {
            appended = services.partitions().append(replica, records, acks, timeout);
        }
        return appended.handle((result, failure) -> failure == null ? toResponse(index, result)
                : partitionError(index, Futures.cause(failure) instanceof TimeoutException
                        ? Errors.REQUEST_TIMED_OUT : Errors.forException(Futures.cause(failure)), null));
    }

    /** One producer's batches to one partition, which must reach the partition in the order they came. */
    private record ProducerPartition(TopicPartition partition, long producerId) {
    }

    /** Per producer and partition: completes once the newest transactional batch was handed to the partition. */
    private final ConcurrentHashMap<ProducerPartition, CompletableFuture<Void>> handedOver = new ConcurrentHashMap<>();

    /**
     * A transactional batch: when its producer has no transaction open on the partition, the coordinator first
     * confirms the partition is in the producer's open transaction (KIP-890 part 1), so that a batch delayed past its
     * transaction's end cannot open a transaction nobody will ever end. The marker count read first lets the
     * partition refuse the batch if the transaction ended between the check and the append. A producer pipelines its
     * batches, so each waits until the previous one of its producer for that partition was handed over: a later batch
     * whose check finished first must not overtake (its sequence would be out of order).
     */
    private CompletableFuture<AppendResult> appendTransactional(final ReplicaHandle replica, final MemoryRecords records,
            final short acks, final Duration timeout, final String transactionalId, final RecordBatch first) {
        final long producerId = first.producerId();
        final ProducerPartition key = new ProducerPartition(replica.topicPartition(), producerId);
        final CompletableFuture<Void> mine = new CompletableFuture<>();
        final CompletableFuture<Void> previous = handedOver.put(key, mine);
        final CompletableFuture<AppendResult> result = (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
                .thenCompose(ignored -> {
                    final int markers = replica.transactions().markersOf(producerId);
                    if (replica.transactions().hasOpenTransaction(producerId)) {
                        return CompletableFuture.completedFuture(Errors.NONE)
                                .thenApply(none -> handOver(replica, records, acks, timeout, markers, mine));
                    }
                    return transactions.verify(transactionalId, producerId, first.producerEpoch(), replica.topicPartition())
                            .thenApply(error -> error == Errors.NONE
                                    ? handOver(replica, records, acks, timeout, markers, mine)
                                    : CompletableFuture.completedFuture(refusal(error, transactionalId, replica)));
                })
                .thenCompose(appended -> appended);
        result.whenComplete((r, failure) -> {
            mine.complete(null);   // a refused or failed batch hands nothing over: the next one may go
            handedOver.remove(key, mine);
        });
        return result;
    }

    /** Tells the partition to append; the next batch of the producer may follow once this returns. */
    private CompletableFuture<AppendResult> handOver(final ReplicaHandle replica, final MemoryRecords records,
            final short acks, final Duration timeout, final int markers, final CompletableFuture<Void> handed) {
        final CompletableFuture<AppendResult> appended = services.partitions().appendVerified(replica, records, acks,
                timeout, markers);
        handed.complete(null);
        return appended;
    }

    private static AppendResult refusal(final Errors verification, final String transactionalId, final ReplicaHandle replica) {
        LOG.info("Transactional batch of '{}' to {} not verified by its coordinator: {}", transactionalId,
                replica.topicPartition(), verification);
        return switch (verification) {
            // The coordinator could not be asked (moving, loading): the producer retries.
            case COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, CONCURRENT_TRANSACTIONS,
                    NETWORK_EXCEPTION, REQUEST_TIMED_OUT, UNKNOWN_SERVER_ERROR -> AppendResult.failed(
                    Errors.NOT_ENOUGH_REPLICAS, "the transaction coordinator of '" + transactionalId
                            + "' could not verify the transaction (" + verification + ")", -1);
            case INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING -> AppendResult.failed(verification, null, -1);
            default -> AppendResult.failed(Errors.INVALID_TXN_STATE, "partition " + replica.topicPartition()
                    + " is not in the open transaction of '" + transactionalId + "'", -1);
        };
    }

    /** Kafka's rule for Produce v3+; anything the size fields cannot frame is left to the log to reject as corrupt. */
    private static boolean holdsOneBatch(final MemoryRecords records) {
        try {
            int count = 0;
            for (final RecordBatch ignored : records.batches()) {
                if (++count > 1) {
                    return false;
                }
            }
            return count == 1 || records.sizeInBytes() > 0;
        } catch (RuntimeException corrupt) {
            return true;
        }
    }

    private static ProduceResponseData.PartitionProduceResponse toResponse(final int index, final AppendResult r) {
        return new ProduceResponseData.PartitionProduceResponse()
                .setIndex(index)
                .setErrorCode(r.error().code())
                .setErrorMessage(r.message())
                .setBaseOffset(r.baseOffset())
                .setLogAppendTimeMs(r.logAppendTimeMs())
                .setLogStartOffset(r.logStartOffset());
    }

    private static CompletableFuture<ProduceResponseData.PartitionProduceResponse> failed(final int index,
            final Errors error, final String message) {
        return CompletableFuture.completedFuture(partitionError(index, error, message));
    }

    private static ProduceResponseData.PartitionProduceResponse partitionError(final int index, final Errors error,
            final String message) {
        return new ProduceResponseData.PartitionProduceResponse()
                .setIndex(index)
                .setErrorCode(error.code())
                .setErrorMessage(message != null ? message : error.message())
                .setBaseOffset(-1)
                .setLogAppendTimeMs(-1)
                .setLogStartOffset(-1);
    }
}
