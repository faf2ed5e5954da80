package io.ailurus.kafka.handler;

import static io.ailurus.kafka.handler.TopicPartitionsTest.batch;
import static io.ailurus.kafka.handler.TopicPartitionsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.LocalReplicas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeLogDirsHandlerTest {

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private final List<SegmentLog> logs = new ArrayList<>();
    private DescribeLogDirsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        topics.create("a", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        topics.create("b", 1, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
        final LocalReplicas replicas = new LocalReplicas();
        for (final TopicPartition tp : List.of(new TopicPartition("a", 0), new TopicPartition("a", 1),
                new TopicPartition("b", 0))) {
            final SegmentLog log = TopicPartitionsTest.openLog(dataDir, tp);
            logs.add(log);
            TopicPartitionsTest.startReplica(replicas, tp, log);
        }
        logs.get(0).append(batch(1, 2, 3), 0, 1_000);
        handler = new DescribeLogDirsHandler(TopicPartitionsTest.services(dataDir, topics, replicas));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (final SegmentLog log : logs) {
            log.close();
        }
        topics.close();
    }

    @Test
    void everyPartitionInTheDataDirectory() throws Exception {
        final DescribeLogDirsResponse response = call(handler, new DescribeLogDirsRequestData().setTopics(null), (short) 4);
        assertEquals(Errors.NONE.code(), response.data().errorCode());
        assertEquals(1, response.data().results().size());
        final DescribeLogDirsResult dir = response.data().results().get(0);
        assertEquals(Errors.NONE.code(), dir.errorCode());
        assertEquals(dataDir.toAbsolutePath().toString(), dir.logDir());
        assertTrue(dir.totalBytes() > 0);
        assertTrue(dir.usableBytes() >= 0);
        assertEquals(List.of("a", "b"), dir.topics().stream().map(DescribeLogDirsTopic::name).toList());
        final DescribeLogDirsPartition a0 = dir.topics().get(0).partitions().get(0);
        assertEquals(0, a0.partitionIndex());
        assertEquals(logs.get(0).sizeInBytes(), a0.partitionSize());
        assertTrue(a0.partitionSize() > 0);
        assertEquals(0, a0.offsetLag());
        assertFalse(a0.isFutureKey());
    }

    @Test
    void onlyTheRequestedPartitionsThatAreHere() throws Exception {
        final DescribeLogDirsRequestData data = new DescribeLogDirsRequestData();
        data.topics().add(new DescribableLogDirTopic().setTopic("a").setPartitions(List.of(1, 5)));
        data.topics().add(new DescribableLogDirTopic().setTopic("nope").setPartitions(List.of(0)));
        final DescribeLogDirsResponse response = call(handler, data, (short) 1);
        final DescribeLogDirsResult dir = response.data().results().get(0);
        assertEquals(1, dir.topics().size());
        assertEquals(1, dir.topics().get(0).partitions().size());
        assertEquals(1, dir.topics().get(0).partitions().get(0).partitionIndex());
    }
}
