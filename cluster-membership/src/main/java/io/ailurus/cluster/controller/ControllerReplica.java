package io.ailurus.cluster.controller;

import io.ailurus.actors.Asks;
import io.ailurus.actors.serialization.KryoCodec;
import io.ailurus.actors.serialization.KryoMessage;
import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.raft.FileRaftStateStore;
import io.ailurus.partition.raft.ProposeResult;
import io.ailurus.partition.raft.RaftConfig;
import io.ailurus.partition.raft.RaftListener;
import io.ailurus.partition.raft.RaftMember;
import io.ailurus.partition.raft.RaftMessage;
import io.ailurus.partition.raft.RaftRole;
import io.ailurus.partition.raft.SegmentRaftLog;
import io.ailurus.partition.replica.GroupCommitFlusher;
import io.ailurus.partition.replica.GroupIds;
import io.ailurus.partition.replica.RaftNetwork;
import io.ailurus.partition.replica.ReplicaEnvironment;
import org.apache.kafka.common.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * This node's member of the controller: Raft group 0, whose log ({@code <data-dir>/__cluster_metadata/0}) holds
 * {@link ControllerCommand}s (Kryo bytes as record values). Committed commands are applied in log order to the
 * {@link ControllerState}, and each applied run is published as a {@link ControllerImage}. Proposals made on a
 * follower are forwarded to the leader's controller actor; with no known leader they are refused with
 * NOT_CONTROLLER, and {@link ControllerClient} retries.
 *
 * <p>The state is snapshotted to {@code controller.snapshot} every {@code ailurus.controller.snapshot-every} (system
 * property, default 1000) applied commands, and a restart starts from the snapshot and replays the rest of the log
 * as it commits. After a snapshot the log keeps one more snapshot interval and deletes what is older, so it does not
 * grow forever; a member that needs deleted entries (down for long, or a node that joins later) gets the leader's log
 * start from Raft ({@code InstallLogStart}) and then fetches the leader's state to continue from.
 */
public final class ControllerReplica extends AbstractBehavior<ControllerReplica.Command> {

    public static final String LOG_NAME = "__cluster_metadata";
    static final String SNAPSHOT_FILE = "controller.snapshot";
    static final int SNAPSHOT_EVERY = Integer.getInteger("ailurus.controller.snapshot-every", 1000);
    /** Small segments, so that deleting the log's prefix after a snapshot frees the disk. */
    private static final int SEGMENT_BYTES = 4 * 1024 * 1024;
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

    public sealed interface Command {
    }

    /** A proposal made on this node. */
    public record Propose(ControllerCommand command, CompletableFuture<ControllerResult> reply) implements Command {
    }

    /** A proposal forwarded from another node's controller member to this one, the leader. */
    public record RemotePropose(ControllerCommand command, ActorRef<ControllerResult> replyTo)
            implements Command, KryoMessage {
    }

    public record RaftInbound(int fromNode, RaftMessage message) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    private record Flushed(long durableOffset, long generation) implements Command {
    }

    private record FlushFailed(RuntimeException failure) implements Command {
    }

    private record PeersChanged(Receptionist.Listing listing) implements Command {
    }

    /** Asks the leader for its current state (a member whose log now starts after what it has applied). */
    public record FetchState(ActorRef<MetadataSnapshot> replyTo) implements Command, KryoMessage {
    }

    private record StateFetched(MetadataSnapshot snapshot) implements Command {
    }

    private record StateFetchFailed(String reason) implements Command {
    }

    /** What a node gives its controller member. */
    /** {@code members}: the nodes alive in the cluster; those that are not voters follow the log as learners. */
    public record Settings(int nodeId, List<Integer> voters, Path dataDir, RaftConfig raftConfig, RaftNetwork network,
            GroupCommitFlusher flusher, Consumer<ControllerImage> publish,
            ReplicaEnvironment.LeadershipListener leadership, Supplier<Set<Integer>> members) {
    }

    /** Ticks between two checks, on the leader, for cluster members that should follow the log as learners. */
    private static final int TICKS_PER_LEARNER_CHECK = 20;

    /** The controller group's leadership is published under this pseudo partition in the leadership table. */
    public static final TopicPartition LEADERSHIP_KEY = new TopicPartition(LOG_NAME, 0);

    static ServiceKey<Command> serviceKey(final int nodeId) {
        return ServiceKey.create(Command.class, "ailurus-controller-" + nodeId);
    }

    private final Settings settings;
    private final KryoCodec codec = new KryoCodec();
    private final SegmentLog log;
    private final SegmentRaftLog raftLog;
    private final RaftMember member;
    private final GroupCommitFlusher.Dirty dirty;
    private final Map<Long, Consumer<ControllerResult>> waiters = new HashMap<>();
    private final Map<Integer, ActorRef<Command>> peers = new HashMap<>();
    private ControllerState state;
    private long appliedSinceSnapshot;
    private int ticksToLearnerCheck;
    private boolean fetchingState;
    private volatile long flushGeneration;
    private boolean closed;

    public static Behavior<Command> create(final Settings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
            return new ControllerReplica(ctx, settings);
        }));
    }

    private ControllerReplica(final ActorContext<Command> ctx, final Settings settings) throws IOException {
        super(ctx);
        this.settings = settings;
        final Path dir = settings.dataDir().resolve(LOG_NAME).resolve("0");
        this.log = SegmentLog.open(dir, LogConfig.defaults().withSegmentBytes(SEGMENT_BYTES));
        this.state = loadSnapshot(dir);
        this.raftLog = SegmentRaftLog.open(log);
        final ActorRef<Command> self = ctx.getSelf();
        this.dirty = new GroupCommitFlusher.Dirty(log, () -> flushGeneration,
                GroupCommitFlusher.Listener.tellingActor(self, Flushed::new, FlushFailed::new));
        final long now = now();
        this.member = new RaftMember("controller", settings.nodeId(), settings.voters(), settings.raftConfig(), raftLog,
                new FileRaftStateStore(dir), (to, message) -> {
                    if (settings.network() != null) {
                        settings.network().send(to, GroupIds.CONTROLLER, message);
                    }
                }, new Events(), new Random(), now);
        this.flushGeneration = member.logGeneration();
        ctx.getSystem().receptionist().tell(Receptionist.register(serviceKey(settings.nodeId()), self));
        // One adapter for all listings (a second adapter for the same class would replace the first).
        final ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, PeersChanged::new);
        for (final int voter : settings.voters()) {
            if (voter != settings.nodeId()) {
                ctx.getSystem().receptionist().tell(Receptionist.subscribe(serviceKey(voter), listings));
            }
        }
        settings.publish().accept(ControllerImage.of(state));
        if (settings.voters().size() == 1 && settings.voters().get(0) == settings.nodeId()) {
            member.tick(now + 2 * settings.raftConfig().electionTimeoutMinMs());   // a lone voter elects itself
        }
        ctx.getLog().info("Controller member {} started: voters {}, state as of offset {}", settings.nodeId(),
                settings.voters(), state.appliedOffset());
    }

    private ControllerState loadSnapshot(final Path dir) throws IOException {
        final Path file = dir.resolve(SNAPSHOT_FILE);
        if (!Files.exists(file)) {
            return new ControllerState();
        }
        final Object stored = codec.decode(Files.readAllBytes(file));
        return ControllerState.restore(MetadataSnapshot.of(stored));
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private final class Events implements RaftListener {

        @Override
        public void onRoleChange(final RaftRole role, final int term, final int leaderId) {
            if (role != RaftRole.LEADER && !waiters.isEmpty()) {
                // Indeterminate: the command may still commit under the new leader.
                final ControllerResult lost = new ControllerResult.Rejected(Errors.NOT_CONTROLLER.code(),
                        "controller leadership changed before the change committed; it may or may not have applied");
                waiters.values().forEach(w -> w.accept(lost));
                waiters.clear();
            }
            getContext().getLog().info("Controller group: node {} is {} in term={} leader={}", settings.nodeId(), role,
                    term, leaderId);
            settings.leadership().leaderChanged(LEADERSHIP_KEY, leaderId, term);
        }

        @Override
        public void onCommit(final long commitIndex, final int leaderTerm, final boolean asLeader) {
            applyCommitted(commitIndex);
        }

        @Override
        public void onAppended(final long logEndOffset) {
            settings.flusher().markDirty(dirty);
        }

        @Override
        public void onTruncated(final long newEndOffset) {
            flushGeneration = member.logGeneration();
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Propose.class, p -> {
                    propose(p.command(), p.reply()::complete);
                    return this;
                })
                .onMessage(RemotePropose.class, p -> {
                    propose(p.command(), p.replyTo()::tell);
                    return this;
                })
                .onMessage(RaftInbound.class, m -> {
                    if (!closed) {
                        member.handle(m.fromNode(), m.message(), now());
                    }
                    return this;
                })
                .onMessageEquals(Tick.INSTANCE, () -> {
                    if (!closed) {
                        member.tick(now());
                        if (--ticksToLearnerCheck <= 0) {
                            ticksToLearnerCheck = TICKS_PER_LEARNER_CHECK;
                            replicateToNonVoters();
                        }
                    }
                    return this;
                })
                .onMessage(Flushed.class, f -> {
                    if (!closed) {
                        member.onDurable(f.generation(), f.durableOffset());
                    }
                    return this;
                })
                .onMessage(FlushFailed.class, f -> {
                    getContext().getLog().error("Controller log fsync failed: {}", f.failure().toString());
                    return this;
                })
                .onMessage(FetchState.class, f -> {
                    f.replyTo().tell(state.snapshot());
                    return this;
                })
                .onMessage(StateFetched.class, f -> {
                    installFetchedState(f.snapshot());
                    return this;
                })
                .onMessage(StateFetchFailed.class, f -> {
                    fetchingState = false;
                    getContext().getLog().info("Controller member {}: fetching the leader's state failed ({}); "
                            + "retrying on the next commit", settings.nodeId(), f.reason());
                    return this;
                })
                .onMessage(PeersChanged.class, p -> {
                    final String id = p.listing().getKey().id();
                    final int node = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
                    p.listing().getServiceInstances(serviceKey(node)).stream().findFirst()
                            .ifPresentOrElse(ref -> peers.put(node, ref), () -> peers.remove(node));
                    return this;
                })
                .onSignal(PostStop.class, s -> {
                    close();
                    return this;
                })
                .build();
    }

    /**
     * Nodes that are not controller voters still need the metadata: the leader replicates the log to every live one
     * as a learner (learners are per term, so a new leader adds them again).
     */
    private void replicateToNonVoters() {
        if (!member.isLeader()) {
            return;
        }
        for (final int node : settings.members().get()) {
            if (!member.voters().contains(node) && !member.isLearner(node)) {
                member.addLearner(node, now());
            }
        }
    }

    private void propose(final ControllerCommand command, final Consumer<ControllerResult> reply) {
        if (member.isLeader()) {
            final MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(System.currentTimeMillis(), null, codec.encode(command)));
            final ProposeResult result = member.propose(records, now());
            if (result instanceof ProposeResult.Accepted accepted) {
                waiters.put(accepted.lastOffset(), reply);
                return;
            }
        }
        final ActorRef<Command> leader = peers.get(member.leaderId());
        if (leader == null || member.leaderId() == settings.nodeId()) {
            reply.accept(new ControllerResult.Rejected(Errors.NOT_CONTROLLER.code(),
                    "no controller leader is known yet (term " + member.term() + ")"));
            return;
        }
        Asks.<Command, ControllerResult>ask(leader, replyTo -> new RemotePropose(command, replyTo), FORWARD_TIMEOUT,
                        getContext().getSystem().scheduler())
                .whenComplete((result, failure) -> reply.accept(failure == null ? result
                        : new ControllerResult.Rejected(Errors.REQUEST_TIMED_OUT.code(),
                                "the controller leader did not answer: " + failure.getMessage())));
    }

    /** Applies every committed command not applied yet, in log order, then publishes the new image. */
    private void applyCommitted(final long commitIndex) {
        if (state.appliedOffset() < log.logStartOffset()) {
            // The commands between our state and our log start were deleted (our log was reset to the leader's
            // start): only the leader's state can bridge the gap.
            fetchLeaderState();
            return;
        }
        long offset = state.appliedOffset();
        boolean applied = false;
        while (offset < commitIndex) {
            final LogSlice slice = log.read(offset, 1 << 20, commitIndex);
            if (slice.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : slice.records().batches()) {
                if (batch.lastOffset() < offset) {
                    continue;
                }
                if (!batch.isControlBatch()) {
                    for (final Record record : batch) {
                        if (record.offset() >= offset) {
                            applyOne(record);
                            applied = true;
                        }
                    }
                }
                offset = batch.nextOffset();
            }
        }
        if (applied) {
            settings.publish().accept(ControllerImage.of(state));
            maybeSnapshot();
        }
    }

    private void applyOne(final Record record) {
        final ByteBuffer value = record.value();
        final byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        final ControllerCommand command = (ControllerCommand) codec.decode(bytes);
        final ControllerResult result = state.apply(command, record.offset());
        final Consumer<ControllerResult> waiter = waiters.remove(record.offset());
        if (waiter != null) {
            waiter.accept(result);
        }
        appliedSinceSnapshot++;
    }

    private void fetchLeaderState() {
        final ActorRef<Command> leader = peers.get(member.leaderId());
        if (fetchingState || leader == null || member.leaderId() == settings.nodeId()) {
            return;
        }
        fetchingState = true;
        getContext().getLog().info("Controller member {}: log starts at {} after the applied state ({}); fetching "
                + "the state of leader {}", settings.nodeId(), log.logStartOffset(), state.appliedOffset(), member.leaderId());
        getContext().ask(MetadataSnapshot.class, leader, FORWARD_TIMEOUT, FetchState::new,
                (snapshot, failure) -> snapshot != null ? new StateFetched(snapshot)
                        : new StateFetchFailed(String.valueOf(failure)));
    }

    /** Continues from the leader's state if it covers the gap up to our log start. */
    private void installFetchedState(final MetadataSnapshot snapshot) {
        fetchingState = false;
        if (snapshot.appliedOffset() < log.logStartOffset() || snapshot.appliedOffset() <= state.appliedOffset()) {
            getContext().getLog().info("Controller member {}: the leader's state (as of {}) does not cover the log "
                    + "start {}; retrying", settings.nodeId(), snapshot.appliedOffset(), log.logStartOffset());
            return;
        }
        state = ControllerState.restore(snapshot);
        writeSnapshot();
        getContext().getLog().info("Controller member {}: installed the leader's state as of offset {}",
                settings.nodeId(), state.appliedOffset());
        settings.publish().accept(ControllerImage.of(state));
        applyCommitted(member.commitIndex());
    }

    private void maybeSnapshot() {
        if (appliedSinceSnapshot < SNAPSHOT_EVERY) {
            return;
        }
        appliedSinceSnapshot = 0;
        writeSnapshot();
        // Keep one more interval of commands so that a briefly lagging member catches up from the log.
        final long keepFrom = state.appliedOffset() - SNAPSHOT_EVERY;
        if (keepFrom > log.logStartOffset()) {
            log.deleteRecordsBefore(keepFrom);
        }
    }

    private void writeSnapshot() {
        final Path dir = log.directory();
        try {
            final Path tmp = dir.resolve(SNAPSHOT_FILE + ".tmp");
            Files.write(tmp, codec.encode(state.snapshot()));
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(SNAPSHOT_FILE), StandardCopyOption.ATOMIC_MOVE);
            io.ailurus.partition.log.Directories.fsync(dir);
            getContext().getLog().info("Controller snapshot written as of offset {}", state.appliedOffset());
        } catch (IOException e) {
            getContext().getLog().warn("Controller snapshot failed: {}", e.toString());
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            getContext().getLog().warn("Closing the controller log failed: {}", e.toString());
        }
    }
}
