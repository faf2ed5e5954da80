package io.ailurus.cluster.membership;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Registers this node (id, Kafka, Aeron and admin endpoints) cluster-wide in a Distributed Data map keyed by node id,
 * and keeps the local {@link NodeDirectory} in step with that map and with Pekko Cluster membership: a node is alive
 * while its registered address is an Up, reachable member.
 *
 * <p>A restarted node re-registers under the same id with its new incarnation's address; last writer wins.
 */
public final class NodeRegistry extends AbstractBehavior<NodeRegistry.Command> {

    static final Key<LWWMap<String, NodeInfo>> KEY = LWWMapKey.create("ailurus-nodes");

    public sealed interface Command permits Registered, NodesChanged, MembershipChanged {
    }

    record Registered(Replicator.UpdateResponse<LWWMap<String, NodeInfo>> response) implements Command {
    }

    record NodesChanged(Replicator.SubscribeResponse<LWWMap<String, NodeInfo>> response) implements Command {
    }

    record MembershipChanged(ClusterEvent.ClusterDomainEvent event) implements Command {
    }

    private final NodeDirectory directory;
    private final Cluster cluster;
    private Map<String, NodeInfo> registered = Map.of();

    public static Behavior<Command> create(final NodeInfo self, final NodeDirectory directory) {
        return Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, LWWMap<String, NodeInfo>> replicator) ->
                        new NodeRegistry(ctx, replicator, self, directory)));
    }

    private NodeRegistry(final ActorContext<Command> ctx,
            final ReplicatorMessageAdapter<Command, LWWMap<String, NodeInfo>> replicator, final NodeInfo self,
            final NodeDirectory directory) {
        super(ctx);
        this.directory = directory;
        this.cluster = Cluster.get(ctx.getSystem());
        final SelfUniqueAddress node = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
        replicator.subscribe(KEY, NodesChanged::new);
        replicator.askUpdate(
                replyTo -> new Replicator.Update<>(KEY, LWWMap.empty(), Replicator.writeLocal(), replyTo,
                        current -> current.put(node, Integer.toString(self.nodeId()), self)),
                Registered::new);
        cluster.subscriptions().tell(Subscribe.create(
                ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, MembershipChanged::new),
                ClusterEvent.ClusterDomainEvent.class));
        // Until gossip brings the map back, this node at least knows itself.
        registered = Map.of(Integer.toString(self.nodeId()), self);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Registered.class, r -> {
                    if (!(r.response() instanceof Replicator.UpdateSuccess)) {
                        getContext().getLog().warn("Registering this node in the node table failed: {}", r.response());
                    }
                    return this;
                })
                .onMessage(NodesChanged.class, c -> {
                    if (c.response() instanceof Replicator.Changed<LWWMap<String, NodeInfo>> changed) {
                        registered = changed.get(KEY).getEntries();
                        publish();
                    }
                    return this;
                })
                .onMessage(MembershipChanged.class, m -> {
                    publish();
                    return this;
                })
                .build();
    }

    private void publish() {
        final Set<String> alive = new HashSet<>();
        final Set<String> unreachable = new HashSet<>();
        cluster.state().getUnreachable().forEach(m -> unreachable.add(m.address().toString()));
        for (final Member member : cluster.state().getMembers()) {
            if (member.status() == MemberStatus.up() || member.status() == MemberStatus.weaklyUp()) {
                alive.add(member.address().toString());
            }
        }
        alive.removeAll(unreachable);
        final Map<Integer, NodeStatus> next = new HashMap<>();
        for (final NodeInfo info : registered.values()) {
            next.put(info.nodeId(), new NodeStatus(info, alive.contains(info.pekkoAddress())));
        }
        final Map<Integer, NodeStatus> before = directory.nodes();
        directory.replace(next);
        for (final NodeStatus status : next.values()) {
            final NodeStatus old = before.get(status.nodeId());
            if (old == null || old.alive() != status.alive() || !old.info().equals(status.info())) {
                getContext().getLog().info("Node {} is {} (kafka {}:{}, aeron {}:{}, {})", status.nodeId(),
                        status.alive() ? "alive" : "down", status.info().kafkaHost(), status.info().kafkaPort(),
                        status.info().aeronHost(), status.info().aeronPort(), status.info().pekkoAddress());
            }
        }
    }
}
