package io.ailurus.cluster.controller;

import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.cluster.metadata.TopicListener;
import io.ailurus.cluster.transform.TransformMetadata;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.metadata.TopicRules;
import io.ailurus.cluster.metadata.TopicStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The topic table kept by the controller (Raft group 0): reads come from the latest applied {@link ControllerImage},
 * changes are validated and placed here, then proposed to the controller and complete once this node's image shows
 * them. Listeners hear of committed changes in commit order, on the controller member's thread.
 */
public final class ReplicatedTopicStore implements TopicStore, Consumer<ControllerImage> {

    private static final int CONFIG_RETRIES = 5;

    private record ImageWaiter(Predicate<ControllerImage> condition, CompletableFuture<ControllerImage> future) {
    }

    private final ControllerClient controller;
    private final Supplier<Set<Integer>> aliveNodes;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final List<TopicListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ControllerImage>> imageListeners = new CopyOnWriteArrayList<>();
    private final List<ImageWaiter> waiters = new CopyOnWriteArrayList<>();
    private volatile ControllerImage image = ControllerImage.EMPTY;

    public ReplicatedTopicStore(final ControllerClient controller, final Supplier<Set<Integer>> aliveNodes,
            final ScheduledExecutorService timer, final Duration timeout) {
        this.controller = controller;
        this.aliveNodes = aliveNodes;
        this.timer = timer;
        this.timeout = timeout;
    }

    public ControllerImage image() {
        return image;
    }

    /** The replicas of a partition (first = preferred leader), empty if unknown. */
    public List<Integer> replicas(final TopicPartition tp) {
        return image.topic(tp.topic())
                .filter(t -> tp.partition() < t.replicas().size())
                .map(t -> t.replicas().get(tp.partition()))
                .orElse(List.of());
    }

    /** Called by the controller member with each newly applied image. */
    @Override
    public void accept(final ControllerImage next) {
        final ControllerImage previous = image;
        image = next;
        for (final TopicAssignment t : next.topics().values()) {
            final TopicAssignment before = previous.topics().get(t.topic().name());
            if (before != null && !before.topic().id().equals(t.topic().id())) {
                listeners.forEach(l -> l.topicDeleted(before.topic()));   // deleted and re-created between images
                listeners.forEach(l -> l.topicChanged(null, t.topic()));
            } else if (before == null || !before.equals(t)) {
                listeners.forEach(l -> l.topicChanged(before == null ? null : before.topic(), t.topic()));
            }
        }
        for (final TopicAssignment t : previous.topics().values()) {
            if (!next.topics().containsKey(t.topic().name())) {
                listeners.forEach(l -> l.topicDeleted(t.topic()));
            }
        }
        for (final ImageWaiter w : waiters) {
            if (w.condition().test(next) && w.future().complete(next)) {
                waiters.remove(w);
            }
        }
        imageListeners.forEach(l -> l.accept(next));
    }

    /** Hears of every applied image, on the controller member's thread (hand work off). */
    public void addImageListener(final Consumer<ControllerImage> listener) {
        imageListeners.add(listener);
    }

    /** Completes once this node has applied an image that meets {@code condition} (times out as changes do). */
    CompletableFuture<ControllerImage> awaitImage(final Predicate<ControllerImage> condition) {
        final CompletableFuture<ControllerImage> future = new CompletableFuture<>();
        final ImageWaiter waiter = new ImageWaiter(condition, future);
        waiters.add(waiter);
        if (condition.test(image)) {   // re-check after registering: either this sees it or accept() does
            future.complete(image);
        }
        if (!future.isDone()) {
            timer.schedule(() -> future.completeExceptionally(new TimeoutException(
                    "the change committed but this node has not applied it within " + timeout)),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        future.whenComplete((r, f) -> waiters.remove(waiter));
        return future;
    }

    @Override
    public Collection<TopicMetadata> topics() {
        return image.topicMetadata();
    }

    @Override
    public Optional<TopicMetadata> topic(final String name) {
        return image.topic(name).map(TopicAssignment::topic);
    }

    @Override
    public Optional<TopicMetadata> topic(final Uuid id) {
        return Optional.ofNullable(image.byId().get(id)).map(TopicAssignment::topic);
    }

    @Override
    public void addListener(final TopicListener listener) {
        listeners.add(listener);
    }

    private ReplicaPlacement placement(final ControllerImage current) {
        final Set<Integer> alive = aliveNodes.get();
        return new ReplicaPlacement(current.brokers().values().stream().filter(b -> alive.contains(b.nodeId())).toList(),
                current.topics().values());
    }

    @Override
    public CompletableFuture<TopicMetadata> create(final String name, final int partitions, final short replicationFactor,
            final Map<String, String> configs, final boolean validateOnly) {
        try {
            final ControllerImage current = image;
            TopicRules.checkNewName(name, current.topics().keySet());
            TopicRules.checkPartitionCount(partitions);
            final List<List<Integer>> replicas = placement(current).place(partitions, replicationFactor);
            final TopicMetadata topic = new TopicMetadata(name, Uuid.randomUuid(), partitions, replicationFactor,
                    TopicConfigs.validate(configs));
            if (validateOnly) {
                return CompletableFuture.completedFuture(topic);
            }
            return controller.apply(new ControllerCommand.CreateTopic(topic, replicas))
                    .thenCompose(applied -> awaitImage(i -> i.topic(name).filter(t -> t.topic().id().equals(topic.id())).isPresent()))
                    .thenApply(i -> topic);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<TopicMetadata> delete(final String name) {
        final Optional<TopicAssignment> existing = image.topic(name);
        if (existing.isEmpty()) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        }
        final Uuid id = existing.get().topic().id();
        return controller.apply(new ControllerCommand.DeleteTopic(name))
                .thenCompose(applied -> awaitImage(i -> i.topic(name).filter(t -> t.topic().id().equals(id)).isEmpty()))
                .thenApply(i -> existing.get().topic());
    }

    @Override
    public CompletableFuture<TopicMetadata> createPartitions(final String name, final int totalCount,
            final boolean validateOnly) {
        try {
            final ControllerImage current = image;
            final TopicAssignment topic = current.topic(name).orElseThrow(() ->
                    new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
            TopicRules.checkGrowth(topic.topic(), totalCount);
            final List<List<Integer>> added = placement(current).place(totalCount - topic.topic().partitions(),
                    topic.topic().replicationFactor());
            final TopicMetadata grown = topic.topic().withPartitions(totalCount);
            if (validateOnly) {
                return CompletableFuture.completedFuture(grown);
            }
            return controller.apply(new ControllerCommand.CreatePartitions(name, added))
                    .thenCompose(applied -> awaitImage(i -> i.topic(name).filter(t -> t.topic().partitions() >= totalCount).isPresent()))
                    .thenApply(i -> i.topic(name).map(TopicAssignment::topic).orElse(grown));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<TopicMetadata> updateConfigs(final String name, final UnaryOperator<Map<String, String>> change,
            final boolean validateOnly) {
        return updateConfigs(name, change, validateOnly, CONFIG_RETRIES);
    }

    /** Compare-and-set against the configs this node saw; retried when another change got in first. */
    private CompletableFuture<TopicMetadata> updateConfigs(final String name, final UnaryOperator<Map<String, String>> change,
            final boolean validateOnly, final int retries) {
        try {
            final TopicAssignment topic = image.topic(name).orElseThrow(() ->
                    new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
            final Map<String, String> expected = topic.topic().configs();
            final Map<String, String> next = TopicConfigs.validate(change.apply(expected));
            final TopicMetadata changed = topic.topic().withConfigs(next);
            if (validateOnly) {
                return CompletableFuture.completedFuture(changed);
            }
            return controller.submit(new ControllerCommand.ReplaceConfigs(name, expected, next)).thenCompose(r -> {
                if (r instanceof ControllerResult.Rejected rejected) {
                    if (rejected.exception() instanceof PolicyViolationException && retries > 0) {
                        return updateConfigs(name, change, false, retries - 1);
                    }
                    return CompletableFuture.failedFuture(rejected.exception());
                }
                final TopicAssignment applied = (TopicAssignment) ((ControllerResult.Applied) r).value();
                return awaitImage(i -> i.topic(name).filter(t -> t.equals(applied)).isPresent())
                        .thenApply(i -> applied.topic());
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Asks the controller for the next block of producer ids; completes with the block's first id. */
    public CompletableFuture<Long> allocateProducerIds(final int nodeId, final int blockSize) {
        return controller.apply(new ControllerCommand.AllocateProducerIds(nodeId, blockSize)).thenApply(v -> (Long) v);
    }

    /**
     * Registers (or re-registers) a broker, so that placement may use it; the first broker's {@code clusterId}
     * becomes the cluster's.
     */
    public CompletableFuture<Object> registerBroker(final int nodeId, final String rack, final String clusterId) {
        return controller.apply(new ControllerCommand.RegisterBroker(nodeId, rack, clusterId));
    }

    /** Deploys (or re-deploys) a transform; completes once this node's image shows it. */
    public CompletableFuture<TransformMetadata> deployTransform(final TransformMetadata transform) {
        return controller.apply(new ControllerCommand.DeployTransform(transform))
                .thenCompose(applied -> awaitImage(i -> transform.equals(i.transforms().get(transform.name()))))
                .thenApply(i -> transform);
    }

    public CompletableFuture<Void> deleteTransform(final String name) {
        return controller.apply(new ControllerCommand.DeleteTransform(name))
                .thenCompose(applied -> awaitImage(i -> !i.transforms().containsKey(name)))
                .thenApply(i -> null);
    }

    /** Replaces the environment (when not null) and sets paused (when not null). */
    public CompletableFuture<TransformMetadata> updateTransform(final String name, final Map<String, String> env,
                                                                final Boolean paused) {
        return controller.apply(new ControllerCommand.UpdateTransform(name, env, paused))
                .thenCompose(applied -> {
                    final TransformMetadata changed = (TransformMetadata) applied;
                    return awaitImage(i -> changed.equals(i.transforms().get(name))).thenApply(i -> changed);
                });
    }

    public ControllerClient controller() {
        return controller;
    }
}
