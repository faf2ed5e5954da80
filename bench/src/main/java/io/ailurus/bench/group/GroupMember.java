package io.ailurus.bench.group;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumer of a group, on a thread of its own (a KafkaConsumer is single-threaded). The consumer is built before
 * the measurement starts; the thread then waits for the start signal, calls {@code subscribe()} and polls until it is
 * asked to leave, when it calls {@code close()} with LeaveGroup and notes when that call started and ended. Its
 * rebalance callbacks report its whole assignment to the group's {@link AssignmentBoard}.
 */
final class GroupMember implements ConsumerRebalanceListener {

    private final int index;
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AssignmentBoard board;
    private final CountDownLatch start;
    private final Duration poll;
    private final Duration startTimeout;
    private final Duration closeTimeout;
    private final Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);

    private volatile boolean leave;
    private volatile long closeStartNanos = -1;
    private volatile long closeEndNanos = -1;
    private volatile Throwable failure;

    GroupMember(final int index, final String topic, final Map<String, Object> config, final AssignmentBoard board,
            final CountDownLatch start, final Duration poll, final Duration startTimeout, final Duration closeTimeout) {
        this.index = index;
        this.topic = topic;
        this.board = board;
        this.start = start;
        this.poll = poll;
        this.startTimeout = startTimeout;
        this.closeTimeout = closeTimeout;
        this.consumer = new KafkaConsumer<>(config);
        this.thread = new Thread(this::run, "group-member-" + index);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            if (start.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                consumer.subscribe(List.of(topic), this);
                while (!leave) {
                    consumer.poll(poll);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            closeStartNanos = System.nanoTime();
            try {
                consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(closeTimeout));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
            closeEndNanos = System.nanoTime();
            closed.countDown();
        }
    }

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
        board.update(index, consumer.assignment(), consumer.groupMetadata().generationId());
    }

    @Override
    public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
        report(partitions);
    }

    @Override
    public void onPartitionsLost(final Collection<TopicPartition> partitions) {
        report(partitions);
    }

    /** During a revocation, assignment() still holds the partitions being taken away. */
    private void report(final Collection<TopicPartition> goingAway) {
        final Set<TopicPartition> left = new HashSet<>(consumer.assignment());
        left.removeAll(goingAway);
        board.update(index, left, consumer.groupMetadata().generationId());
    }

    /** Asks the member to leave: its thread calls close() after its current poll returns. */
    void leave() {
        leave = true;
    }

    /** Asks it to leave and waits, bounded, until its close() has returned. */
    boolean leaveAndAwait(final Duration timeout) throws InterruptedException {
        leave();
        return awaitClosed(timeout);
    }

    boolean awaitClosed(final Duration timeout) throws InterruptedException {
        if (closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            thread.join(timeout.toMillis());
            return true;
        }
        return false;
    }

    /** When its thread called close(), or -1. */
    long closeStartNanos() {
        return closeStartNanos;
    }

    long closeEndNanos() {
        return closeEndNanos;
    }

    /** What broke its poll loop or its close, if anything. */
    Throwable failure() {
        return failure;
    }

    int index() {
        return index;
    }
}
