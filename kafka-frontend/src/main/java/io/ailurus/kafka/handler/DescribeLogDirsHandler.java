package io.ailurus.kafka.handler;

import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.replica.ReplicaHandle;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DescribeLogDirs: the node has one log directory, its data directory, holding every partition replica running here.
 * Partitions asked for that are not here are left out, as Kafka leaves them out. There are no future replicas (no
 * moves between directories) and a leader has no lag.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(DescribeLogDirsHandler.class);

    private final BrokerServices services;

    public DescribeLogDirsHandler(final BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DESCRIBE_LOG_DIRS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DESCRIBE_LOG_DIRS.latestVersion();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(final RequestContext context, final DescribeLogDirsRequest request) {
        if (!context.authorizedOnCluster(AclOperation.DESCRIBE)) {
            return CompletableFuture.completedFuture(new DescribeLogDirsResponse(new DescribeLogDirsResponseData()
                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())));
        }
        final Path dir = services.config().dataDir().toAbsolutePath();
        final DescribeLogDirsResult result = new DescribeLogDirsResult()
                .setLogDir(dir.toString())
                .setErrorCode(Errors.NONE.code());
        try {
            // A statfs call: quick, like the log reads handlers already do on this thread.
            final FileStore store = Files.getFileStore(dir);
            result.setTotalBytes(nonNegative(store.getTotalSpace())).setUsableBytes(nonNegative(store.getUsableSpace()));
        } catch (IOException e) {
            LOG.warn("Cannot read the file system of the log directory {}: {}", dir, e.toString());
            result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        if (result.errorCode() == Errors.NONE.code()) {
            result.setTopics(topics(replicas(request)));
        }
        return CompletableFuture.completedFuture(new DescribeLogDirsResponse(new DescribeLogDirsResponseData()
                .setErrorCode(Errors.NONE.code())
                .setResults(List.of(result))));
    }

    /** The running replicas the request asks about (null topics: all of them). */
    private Collection<ReplicaHandle> replicas(final DescribeLogDirsRequest request) {
        if (request.isAllTopicPartitions()) {
            return services.replicas().all();
        }
        final List<ReplicaHandle> found = new ArrayList<>();
        for (final DescribableLogDirTopic topic : request.data().topics()) {
            for (final int partition : topic.partitions()) {
                final ReplicaHandle replica = services.replicas().get(new TopicPartition(topic.topic(), partition));
                if (replica != null) {
                    found.add(replica);
                }
            }
        }
        return found;
    }

    private static List<DescribeLogDirsTopic> topics(final Collection<ReplicaHandle> replicas) {
        final Map<String, TreeMap<Integer, DescribeLogDirsPartition>> byTopic = new TreeMap<>();
        for (final ReplicaHandle replica : replicas) {
            final TopicPartition tp = replica.topicPartition();
            byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), new DescribeLogDirsPartition()
                    .setPartitionIndex(tp.partition())
                    .setPartitionSize(replica.log().sizeInBytes())
                    .setOffsetLag(0)
                    .setIsFutureKey(false));
        }
        final List<DescribeLogDirsTopic> topics = new ArrayList<>(byTopic.size());
        byTopic.forEach((name, partitions) -> topics.add(new DescribeLogDirsTopic()
                .setName(name)
                .setPartitions(new ArrayList<>(partitions.values()))));
        return topics;
    }

    /** Some file systems report more than Long.MAX_VALUE bytes as a negative number (JDK-8162520), as Kafka notes. */
    private static long nonNegative(final long bytes) {
        return bytes < 0 ? Long.MAX_VALUE : bytes;
    }
}
