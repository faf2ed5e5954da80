package io.ailurus.cluster.membership;

import io.ailurus.partition.replica.ReplicaEnvironment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * The cluster-wide partition → (leader, term, voters) table that answers Metadata on every node. Replicas publish what they
 * learn; the table keeps, per partition, the report of the highest term (Distributed Data LWW map whose clock is the
 * term), so a stale report from a deposed leader never overwrites a newer one. Reads are local and lock-free.
 */
public final class LeadershipTable implements ReplicaEnvironment.LeadershipListener {

    static final Key<LWWMap<String, Leadership>> KEY = LWWMapKey.create("ailurus-leaders");

    private final ConcurrentHashMap<TopicPartition, Leadership> view = new ConcurrentHashMap<>();
    private volatile ActorRef<Command> publisher;

    public sealed interface Command {
    }

    private record Publish(TopicPartition tp, Leadership leadership) implements Command {
    }

    private record Changed(Replicator.SubscribeResponse<LWWMap<String, Leadership>> response) implements Command {
    }

    private record Written(Replicator.UpdateResponse<LWWMap<String, Leadership>> response) implements Command {
    }

    public Leadership leader(final TopicPartition tp) {
        return view.getOrDefault(tp, Leadership.UNKNOWN);
    }

    /** Records a local replica's report here at once and replicates it. */
    @Override
    public void leaderChanged(final TopicPartition tp, final int leaderId, final int term) {
        publish(tp, new Leadership(leaderId, term));
    }

    /** Records a leader's report of its committed voters here at once and replicates it. */
    @Override
    public void votersCommitted(final TopicPartition tp, final int leaderId, final int term, final List<Integer> voters,
            final int version) {
        publish(tp, new Leadership(leaderId, term, voters, version));
    }

    private void publish(final TopicPartition tp, final Leadership report) {
        merge(tp, report);
        final ActorRef<Command> target = publisher;
        if (target != null) {
            target.tell(new Publish(tp, report));
        }
    }

    private void merge(final TopicPartition tp, final Leadership report) {
        view.merge(tp, report, (old, candidate) -> candidate.rank() > old.rank() ? candidate : old);
    }

    /** The actor that replicates the table; spawn it once per node. */
    public Behavior<Command> behavior() {
        return Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, LWWMap<String, Leadership>> replicator) -> {
                    final SelfUniqueAddress node = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
                    final LWWRegister.Clock<Leadership> byTerm = (current, value) -> value.rank();
                    replicator.subscribe(KEY, Changed::new);
                    publisher = ctx.getSelf();
                    return Behaviors.receive(Command.class)
                            .onMessage(Publish.class, p -> {
                                replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.empty(),
                                                Replicator.writeLocal(), replyTo,
                                                map -> map.put(node, key(p.tp()), p.leadership(), byTerm)),
                                        Written::new);
                                return Behaviors.same();
                            })
                            .onMessage(Changed.class, c -> {
                                if (c.response() instanceof Replicator.Changed<LWWMap<String, Leadership>> changed) {
                                    for (final Map.Entry<String, Leadership> e : changed.get(KEY).getEntries().entrySet()) {
                                        merge(parse(e.getKey()), e.getValue());
                                    }
                                }
                                return Behaviors.same();
                            })
                            .onMessage(Written.class, w -> Behaviors.same())
                            .build();
                }));
    }

    /** Forgets a deleted topic's partitions locally. */
    public void forgetTopic(final String topic) {
        view.keySet().removeIf(tp -> tp.topic().equals(topic));
    }

    private static String key(final TopicPartition tp) {
        return tp.topic() + "/" + tp.partition();
    }

    private static TopicPartition parse(final String key) {
        final int slash = key.lastIndexOf('/');
        return new TopicPartition(key.substring(0, slash), Integer.parseInt(key.substring(slash + 1)));
    }
}
