package io.ailurus.bench.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates a case's topic (replication factor 1, or the one given) and waits, bounded, until every partition takes writes.
 *
 * <p>Metadata showing a leader is not enough: Kafka publishes the new partitions' leader before its replica manager
 * has become leader, and a produce in that window gets NOT_LEADER_OR_FOLLOWER. An idempotent producer whose first
 * batch (sequence 0) is rejected that way while later batches are accepted then retries the first one against
 * OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms expires: a case measured like that says nothing about the
 * broker's speed. So one empty record goes to every partition, non-idempotent and retried, before any measured
 * phase; those few empty records are all the topic holds besides the workload's. A compacted topic refuses records
 * without a key, so there the probe records have an empty one.
 */
public final class Topics {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Topics() {
    }

    static void create(final Admin admin, final String bootstrap, final String topic, final int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        create(admin, bootstrap, topic, partitions, (short) 1);
    }

    /** As {@link #create(Admin, String, String, int)}, with {@code replicationFactor} replicas per partition. */
    public static void create(final Admin admin, final String bootstrap, final String topic, final int partitions,
            final short replicationFactor) throws InterruptedException, ExecutionException, TimeoutException {
        create(admin, bootstrap, topic, partitions, replicationFactor, Map.of());
    }

    /** As {@link #create(Admin, String, String, int, short)}, with topic configs ({@code segment.bytes}, ...). */
    public static void create(final Admin admin, final String bootstrap, final String topic, final int partitions,
            final short replicationFactor, final Map<String, String> configs)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs))).all()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        awaitLeaders(admin, topic, partitions);
        final boolean compacted = configs.getOrDefault("cleanup.policy", "delete").contains("compact");
        awaitWritable(bootstrap, topic, partitions, compacted ? new byte[0] : null);
    }

    private static void awaitLeaders(final Admin admin, final String topic, final int partitions)
            throws InterruptedException, TimeoutException {
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

    private static void awaitWritable(final String bootstrap, final String topic, final int partitions,
            final byte[] probeKey) throws InterruptedException, ExecutionException, TimeoutException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaProducer<byte[], byte[]> probe = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "broker-bench-topic-probe",
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                sent.add(probe.send(new ProducerRecord<>(topic, p, probeKey, new byte[0])));
            }
            for (final Future<RecordMetadata> f : sent) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
    }
}
