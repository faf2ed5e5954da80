package io.ailurus.bench.cluster;

import io.ailurus.bench.broker.Payload;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One failover round: find the leader of partition 0, {@code kill -9} it, and time how long until an acks=all
 * produce to partition 0 is acknowledged again, as a client sees it. The producer is connected and has sent to the
 * old leader before the kill; afterwards it sends one record at a time, each bounded by a short delivery timeout,
 * until one is acknowledged. Its short request, retry, reconnect and metadata intervals keep the client's own part
 * of the failover small and the same for both systems. Not idempotent: a round's failed sends must not leave the
 * next send waiting on a sequence gap.
 */
final class FailoverProbe {

    static final String TOPIC = "bench";
    private static final int PARTITION = 0;
    private static final int REQUEST_TIMEOUT_MS = 1_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private FailoverProbe() {
    }

    /**
     * Kills the leader and returns the milliseconds until the first acknowledged produce; the killed node is
     * returned through {@code killed[0]} so that the caller restarts it whatever happens.
     */
    static long run(final BenchCluster cluster, final int recordBytes, final Duration timeout,
            final ClusterNode[] killed) throws InterruptedException {
        final byte[] value = Payload.random(recordBytes);
        final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config(cluster.bootstrap()));
        try {
            final long warmDeadline = System.nanoTime() + timeout.toNanos();
            while (!sent(producer, value, warmDeadline)) {
                if (System.nanoTime() >= warmDeadline) {
                    throw new IllegalStateException("no produce to " + TOPIC + "-" + PARTITION + " before the kill");
                }
            }
            final int leader = cluster.leaderOf(TOPIC, PARTITION);
            if (leader < 0) {
                throw new IllegalStateException(TOPIC + "-" + PARTITION + " has no leader before the kill");
            }
            final ClusterNode victim = cluster.node(leader);
            killed[0] = victim;
            final long killedAt = System.nanoTime();
            victim.kill();
            final long deadline = killedAt + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (sent(producer, value, deadline)) {
                    return (System.nanoTime() - killedAt) / 1_000_000;
                }
            }
            throw new IllegalStateException("no acknowledged produce within " + timeout.toSeconds()
                    + " s after killing node " + leader);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    /** One send, bounded; true if it was acknowledged. A failed send backs off a little (the sender must not spin). */
    private static boolean sent(final KafkaProducer<byte[], byte[]> producer, final byte[] value, final long deadline)
            throws InterruptedException {
        try {
            producer.send(new ProducerRecord<>(TOPIC, PARTITION, null, value))
                    .get(Math.max(1, Math.min(deadline - System.nanoTime(), 3_000_000_000L)), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Thread.sleep(10);
            return false;
        }
    }

    private static Map<String, Object> config(final String bootstrap) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "cluster-bench-failover");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2 * REQUEST_TIMEOUT_MS);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2 * REQUEST_TIMEOUT_MS);
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 20);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100);
        props.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, 500);
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 500);
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 1_000);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
