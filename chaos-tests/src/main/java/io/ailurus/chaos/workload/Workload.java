package io.ailurus.chaos.workload;

import io.ailurus.chaos.history.HistoryRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Jepsen's queue workload on one topic: producers sending unique values, consumers polling with assign and with
 * subscribe, each on its own thread, all into one history.
 *
 * @param producers          producer threads
 * @param assignConsumers    consumers with a manual assignment of every partition
 * @param subscribeConsumers consumers in one group
 * @param rate               total sends per second (spread over the producers)
 * @param topicConfigs       the topic's configs (tiered mode: remote storage, small segments and local retention)
 * @param replayConsumers    assigned consumers that go back to the beginning of every partition every
 *                           {@code replayEvery} (tiered mode: their reads below the local log start go to the bucket)
 */
public record Workload(String bootstrap, String topic, int partitions, int replicationFactor, int producers,
        int assignConsumers, int subscribeConsumers, double rate, boolean idempotent, long seed,
        Map<String, String> topicConfigs, int replayConsumers, Duration replayEvery) {

    /** The plain workload: default topic configs, no replay consumer. */
    public Workload(final String bootstrap, final String topic, final int partitions, final int replicationFactor,
            final int producers, final int assignConsumers, final int subscribeConsumers, final double rate,
            final boolean idempotent, final long seed) {
        this(bootstrap, topic, partitions, replicationFactor, producers, assignConsumers, subscribeConsumers, rate,
                idempotent, seed, Map.of(), 0, null);
    }

    public Workload {
        topicConfigs = Map.copyOf(topicConfigs);
    }

    /** The running threads; {@link #stop} joins them. */
    public final class Running {
        private final List<Runnable> stops = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();

        public void stop() throws InterruptedException {
            stops.forEach(Runnable::run);
            for (final Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(40));
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(TimeUnit.SECONDS.toMillis(5));
                }
            }
        }
    }

    /** Creates the topic, retrying while the cluster comes up. */
    public void createTopic(final Duration limit) throws InterruptedException {
        createTopic(bootstrap, new NewTopic(topic, partitions, (short) replicationFactor).configs(topicConfigs), limit);
    }

    /** Creates {@code topic} (done when it exists already), retrying while the cluster comes up. */
    public static void createTopic(final String bootstrap, final NewTopic topic, final Duration limit)
            throws InterruptedException {
        final long deadline = System.nanoTime() + limit.toNanos();
        RuntimeException last = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"))) {
            while (System.nanoTime() < deadline) {
                try {
                    admin.createTopics(List.of(topic)).all().get(15, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        return;
                    }
                    last = new IllegalStateException(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    last = new IllegalStateException(e);
                }
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("could not create topic " + topic.name() + " within " + limit, last);
    }

    /** The node leading partition 0, or -1 when it cannot be told quickly. */
    public int leaderOfPartitionZero() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000"))) {
            final TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(3, TimeUnit.SECONDS).get(topic);
            return Optional.ofNullable(d.partitions().get(0).leader()).map(n -> n.id()).orElse(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    public Running start(final HistoryRecorder history) {
        final Running running = new Running();
        final AtomicInteger processes = new AtomicInteger();
        final AtomicLong values = new AtomicLong();
        for (int i = 0; i < producers; i++) {
            final ProducerWorker w = new ProducerWorker(bootstrap, topic, partitions, idempotent, history, processes,
                    values, rate / producers, seed + i);
            running.stops.add(w::stop);
            running.threads.add(new Thread(w, "chaos-producer-" + i));
        }
        for (int i = 0; i < assignConsumers + subscribeConsumers; i++) {
            final ConsumerWorker w = new ConsumerWorker(bootstrap, topic, partitions,
                    i < assignConsumers ? null : "chaos-group", history, processes, null);
            running.stops.add(w::stop);
            running.threads.add(new Thread(w, "chaos-consumer-" + i));
        }
        for (int i = 0; i < replayConsumers; i++) {
            final ConsumerWorker w = new ConsumerWorker(bootstrap, topic, partitions, null, history, processes,
                    replayEvery);
            running.stops.add(w::stop);
            running.threads.add(new Thread(w, "chaos-replay-" + i));
        }
        running.threads.forEach(Thread::start);
        return running;
    }
}
