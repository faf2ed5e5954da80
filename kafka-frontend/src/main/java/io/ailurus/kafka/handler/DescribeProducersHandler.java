package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.Futures;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.producer.ProducerStateTable;
import io.ailurus.partition.replica.PartitionReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeProducersRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;

/**
 * DescribeProducers: the idempotent producers each led partition remembers, with their epoch and the last sequence
 * appended (Kafka's answer: the leader's state, committed or not). No transactions yet, so no coordinator epoch and no
 * open transaction.
 */
public final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequest> {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final BrokerServices services;

    public DescribeProducersHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_PRODUCERS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DESCRIBE_PRODUCERS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DESCRIBE_PRODUCERS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context,
            final DescribeProducersRequest request) {
        final List<CompletableFuture<PartitionResponse>> all = new ArrayList<>();
        for (final TopicRequest topic : request.data().topics()) {
            for (final int partition : topic.partitionIndexes()) {
                all.add(describe(context, topic.name(), partition));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
            // In the request's order; every future is complete and handles its own failure.
            final DescribeProducersResponseData data = new DescribeProducersResponseData();
            int i = 0;
            for (final TopicRequest topic : request.data().topics()) {
                final TopicResponse answer = new TopicResponse().setName(topic.name());
                for (int p = 0; p < topic.partitionIndexes().size(); p++) {
                    answer.partitions().add(all.get(i++).join());
                }
                data.topics().add(answer);
            }
            return new DescribeProducersResponse(data);
        });
    }

    private CompletableFuture<PartitionResponse> describe(final RequestContext context, final String topic,
            final int partition) {
        final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, context, AclOperation.READ, topic,
                partition);
        if (!lookup.found()) {
            return CompletableFuture.completedFuture(error(partition, lookup.error()));
        }
        return services.partitions().describeProducers(lookup.replica(), TIMEOUT).handle((r, failure) -> {
            if (failure != null) {
                return error(partition, Futures.cause(failure) instanceof TimeoutException
                        ? Errors.REQUEST_TIMED_OUT : Errors.forException(Futures.cause(failure)));
            }
            return answer(partition, r);
        });
    }

    private static PartitionResponse answer(final int partition, final PartitionReplica.DescribeProducersResult r) {
        if (r.error() != Errors.NONE) {
            return error(partition, r.error());
        }
        final PartitionResponse answer = new PartitionResponse().setPartitionIndex(partition)
                .setErrorCode(Errors.NONE.code());
        for (final ProducerStateTable.ProducerSnapshot p : r.producers()) {
            answer.activeProducers().add(new ProducerState()
                    .setProducerId(p.producerId())
                    .setProducerEpoch(p.epoch())
                    .setLastSequence(p.lastSequence())
                    .setLastTimestamp(p.lastTimestamp())
                    .setCoordinatorEpoch(-1)
                    .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
        }
        return answer;
    }

    private static PartitionResponse error(final int partition, final Errors error) {
        return new PartitionResponse().setPartitionIndex(partition).setErrorCode(error.code())
                .setErrorMessage(error.message());
    }
}
