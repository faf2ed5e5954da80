package io.ailurus.broker.cli;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeLogDirsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The tiered figures of a topic's partitions, through the Kafka API only (the CLI knows no admin HTTP address):
 * ListOffsets for EARLIEST_LOCAL, EARLIEST and LATEST_TIERED, DescribeLogDirs on the leaders for local bytes. The
 * bucket's size is not in the Kafka API; {@code GET /v1/cloud_storage/status/...} has it. A figure that cannot be had
 * (no leader, the leader still loading the manifest) is left null rather than failing the whole description.
 */
final class TieredPartitions {

    private final Admin admin;
    private final ClientOptions client;

    TieredPartitions(final Admin admin, final ClientOptions client) {
        this.admin = admin;
        this.client = client;
    }

    /** Whether the topic keeps data in the bucket: remote storage on, or restored from the bucket (which implies it). */
    static boolean tiered(final Collection<ConfigEntry> configs) {
        return configs.stream().anyMatch(e -> "true".equalsIgnoreCase(e.value())
                && (e.name().equals("remote.storage.enable") || e.name().equals("redpanda.remote.recovery")));
    }

    /** By partition number. */
    Map<Integer, TieredPartition> of(final TopicDescription topic) throws InterruptedException {
        final Map<TopicPartition, Integer> leaders = new HashMap<>();
        for (final TopicPartitionInfo p : topic.partitions()) {
            leaders.put(new TopicPartition(topic.name(), p.partition()),
                    p.leader() == null || p.leader().isEmpty() ? null : p.leader().id());
        }
        final ListOffsetsResult localStarts = offsets(leaders.keySet(), OffsetSpec.earliestLocal());
        final ListOffsetsResult starts = offsets(leaders.keySet(), OffsetSpec.earliest());
        final ListOffsetsResult tieredEnds = offsets(leaders.keySet(), OffsetSpec.latestTiered());
        final Map<Integer, Map<TopicPartition, Long>> sizesByBroker = localSizes(new HashSet<>(leaders.values()));
        final Map<Integer, TieredPartition> out = new HashMap<>();
        for (final Map.Entry<TopicPartition, Integer> e : leaders.entrySet()) {
            final TopicPartition tp = e.getKey();
            final Long tieredUpTo = offset(tieredEnds, tp);
            // EARLIEST is the bucket's start only when the bucket holds something; otherwise it is the local start.
            final Long remoteStart = tieredUpTo == null ? null : tieredUpTo < 0 ? -1L : offset(starts, tp);
            final Long localBytes = e.getValue() == null ? null
                    : sizesByBroker.getOrDefault(e.getValue(), Map.of()).get(tp);
            out.put(tp.partition(), new TieredPartition(offset(localStarts, tp), remoteStart, tieredUpTo, localBytes));
        }
        return out;
    }

    private ListOffsetsResult offsets(final Set<TopicPartition> partitions, final OffsetSpec spec) {
        final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        return admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(client.timeoutMsInt()));
    }

    private Long offset(final ListOffsetsResult result, final TopicPartition tp) throws InterruptedException {
        final ListOffsetsResult.ListOffsetsResultInfo info = figure(result.partitionResult(tp));
        return info == null ? null : info.offset();
    }

    /** Each leader's replicas on its disk, by broker: the size of every partition it hosts. */
    private Map<Integer, Map<TopicPartition, Long>> localSizes(final Set<Integer> brokers) throws InterruptedException {
        brokers.remove(null);
        final Map<Integer, Map<TopicPartition, Long>> sizes = new HashMap<>();
        if (brokers.isEmpty()) {
            return sizes;
        }
        final Map<Integer, KafkaFuture<Map<String, LogDirDescription>>> described = admin.describeLogDirs(brokers,
                new DescribeLogDirsOptions().timeoutMs(client.timeoutMsInt())).descriptions();
        for (final Map.Entry<Integer, KafkaFuture<Map<String, LogDirDescription>>> broker : described.entrySet()) {
            final Map<String, LogDirDescription> dirs = figure(broker.getValue());
            final Map<TopicPartition, Long> onBroker = new HashMap<>();
            for (final LogDirDescription dir : dirs == null ? List.<LogDirDescription>of() : dirs.values()) {
                for (final Map.Entry<TopicPartition, ReplicaInfo> r : dir.replicaInfos().entrySet()) {
                    onBroker.merge(r.getKey(), r.getValue().size(), Long::sum);
                }
            }
            sizes.put(broker.getKey(), onBroker);
        }
        return sizes;
    }

    /** The future's value, or null when the broker could not give it (the figure shows as unknown). */
    private <T> T figure(final KafkaFuture<T> future) throws InterruptedException {
        try {
            return client.await(future);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return null;
        }
    }
}
