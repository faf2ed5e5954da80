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
        final DescribeProducersResponseData data = new DescribeProducersResponseData();
        final List<CompletableFuture<PartitionResponse>> all = new ArrayList<>();
        for (final TopicRequest topic : request.data().topics()) {
            final TopicResponse answer = new TopicResponse().setName(topic.name());
            data.topics().add(answer);
            for (final int partition : topic.partitionIndexes()) {
                final CompletableFuture<PartitionResponse> result = describe(topic.name(), partition);
                all.add(result.thenApply(r -> {
                    synchronized (answer) {
                        answer.partitions().add(r);
                    }
                    return r;
                }));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> new DescribeProducersResponse(data));
    }

    private CompletableFuture<PartitionResponse> describe(final String topic, final int partition) {
        final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, topic, partition);
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
                    .setCurrentTxnStartOffset(-1));
        }
        return answer;
    }

    private static PartitionResponse error(final int partition, final Errors error) {
        return new PartitionResponse().setPartitionIndex(partition).setErrorCode(error.code())
                .setErrorMessage(error.message());
    }
}
