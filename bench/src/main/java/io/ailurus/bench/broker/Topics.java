package io.ailurus.bench.broker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/** Creates a case's topic (replication factor 1) and waits, bounded, until every partition has a leader. */
final class Topics {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Topics() {
    }

    static void create(final Admin admin, final String topic, final int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                final TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(topic);
                if (d != null && d.partitions().size() == partitions
                        && d.partitions().stream().map(TopicPartitionInfo::leader).allMatch(l -> l != null && !l.isEmpty())) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new TimeoutException("topic " + topic + " has no leader for every partition after "
                + TIMEOUT.toSeconds() + " s (last error: " + last + ")");
    }
}
