package io.ailurus.wasm.node;

import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.transform.TransformMetadata;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.ReplicaHandle;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Keeps one {@link ProcessorActor} running for each (deployed, not paused transform, input partition this node leads),
 * as Redpanda runs a processor on the input partition's leader: on every change of the controller's transforms and of
 * this node's leaderships it starts what is missing and stops what is no longer wanted. A re-deployed transform's
 * processor is stopped (storing its progress) before the new one starts, so the new one continues where it ended.
 */
final class TransformManager extends AbstractBehavior<TransformManager.Command> {

    private static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);

    sealed interface Command {
    }

    enum Reconcile implements Command { INSTANCE }

    private record ProcessorEnded(Key key, long generation) implements Command {
    }

    private record Key(String transform, int partition) {
    }

    private record Running(TransformMetadata transform, ActorRef<ProcessorActor.Command> actor, long generation,
                           boolean stopping) {
    }

    static Behavior<Command> create(final ReplicatedTopicStore topics, final LocalReplicas replicas,
                                    final TransformServices services) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Reconcile.INSTANCE, RECONCILE_EVERY);
            final ActorRef<Command> self = ctx.getSelf();
            topics.addImageListener(image -> self.tell(Reconcile.INSTANCE));
            replicas.addListener(new LocalReplicas.Listener() {
                @Override
                public void startedLeading(final ReplicaHandle replica) {
                    self.tell(Reconcile.INSTANCE);
                }

                @Override
                public void stoppedLeading(final ReplicaHandle replica) {
                    self.tell(Reconcile.INSTANCE);
                }
            });
            return new TransformManager(ctx, topics, replicas, services);
        }));
    }

    private final ReplicatedTopicStore topics;
    private final LocalReplicas replicas;
    private final TransformServices services;
    private final Map<Key, Running> running = new HashMap<>();
    private long generations;

    private TransformManager(final ActorContext<Command> ctx, final ReplicatedTopicStore topics,
                             final LocalReplicas replicas, final TransformServices services) {
        super(ctx);
        this.topics = topics;
        this.replicas = replicas;
        this.services = services;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Reconcile.INSTANCE, this::reconcile)
                .onMessage(ProcessorEnded.class, m -> {
                    final Running r = running.get(m.key());
                    if (r != null && r.generation() == m.generation()) {
                        running.remove(m.key());
                    }
                    return reconcile();
                })
                .build();
    }

    private Behavior<Command> reconcile() {
        final Map<Key, TransformMetadata> wanted = new HashMap<>();
        final Set<String> binaries = new HashSet<>();
        for (final TransformMetadata t : topics.image().transforms().values()) {
            binaries.add(t.binary().sha256());
            final int partitions = topics.topic(t.inputTopic()).map(m -> m.partitions()).orElse(0);
            for (int p = 0; p < partitions && !t.paused(); p++) {
                final ReplicaHandle replica = replicas.get(new TopicPartition(t.inputTopic(), p));
                if (replica != null && replica.isLeader()) {
                    wanted.put(new Key(t.name(), p), t);
                }
            }
        }
        services.binaries().retain(binaries);
        for (final Map.Entry<Key, Running> e : Map.copyOf(running).entrySet()) {
            final Running r = e.getValue();
            if (!r.stopping() && !r.transform().equals(wanted.get(e.getKey()))) {
                r.actor().tell(ProcessorActor.Stop.INSTANCE);
                running.put(e.getKey(), new Running(r.transform(), r.actor(), r.generation(), true));
            }
        }
        for (final Map.Entry<Key, TransformMetadata> e : wanted.entrySet()) {
            if (!running.containsKey(e.getKey())) {
                start(e.getKey(), e.getValue());
            }
        }
        return this;
    }

    private void start(final Key key, final TransformMetadata transform) {
        final ReplicaHandle input = replicas.get(new TopicPartition(transform.inputTopic(), key.partition()));
        final long generation = ++generations;
        final String name = "transform-" + URLEncoder.encode(key.transform(), StandardCharsets.UTF_8) + "-"
                + key.partition() + "-" + generation;
        final ActorRef<ProcessorActor.Command> actor = getContext().spawn(Behaviors.supervise(
                ProcessorActor.create(transform, input, services)).onFailure(SupervisorStrategy.stop()), name);
        getContext().watchWith(actor, new ProcessorEnded(key, generation));
        running.put(key, new Running(transform, actor, generation, false));
    }
}
