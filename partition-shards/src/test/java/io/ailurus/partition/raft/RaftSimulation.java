package io.ailurus.partition.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * A deterministic simulation of one Raft group: N members over {@link InMemoryRaftLog}s, a manual clock, a seeded
 * {@link Random}, and a network that loses, delays, reorders and duplicates messages and can be partitioned. Members
 * crash (losing what was not durable, keeping term and vote) and restart. Group commit is modelled as an fsync that
 * completes after a random delay. Every message goes through {@link RaftCodec} and back.
 *
 * <p>After every event the safety properties are checked; a violation throws {@link AssertionError} naming the seed.
 */
final class RaftSimulation {

    static final RaftConfig CONFIG = new RaftConfig(100, 20, 60, 2048, 3, 10);
    private static final long TICK_MS = 5;

    /** Knobs of one run; {@link #random} draws a fault mix from the seed. */
    record Faults(double loss, double duplicate, long minDelayMs, long maxDelayMs, double partitionPerTick,
                  double crashPerTick, double proposePerTick, double transferPerTick, long maxFsyncMs,
                  double membershipPerTick, double logStartMovesPerTick) {

        static Faults random(final Random r) {
            final double intensity = r.nextDouble() < 0.3 ? 3 : 1;   // some runs are much rougher
            return new Faults(r.nextDouble() * 0.25, r.nextDouble() * 0.1, 1, 2 + r.nextInt(40),
                    intensity * r.nextDouble() * 0.01, intensity * r.nextDouble() * 0.006, 0.05 + r.nextDouble() * 0.4,
                    intensity * r.nextDouble() * 0.003, 1 + r.nextInt(20), 0, 0);
        }

        Faults withMembershipChanges(final double perTick) {
            return new Faults(loss, duplicate, minDelayMs, maxDelayMs, partitionPerTick, crashPerTick, proposePerTick,
                    transferPerTick, maxFsyncMs, perTick, logStartMovesPerTick);
        }

        /** Members move their log start up to their commit index (retention, DeleteRecords), as often as this. */
        Faults withLogStartMoves(final double perTick) {
            return new Faults(loss, duplicate, minDelayMs, maxDelayMs, partitionPerTick, crashPerTick, proposePerTick,
                    transferPerTick, maxFsyncMs, membershipPerTick, perTick);
        }

        static Faults none() {
            return new Faults(0, 0, 1, 5, 0, 0, 0, 0, 3, 0, 0);
        }
    }

    /** A committed batch as the checker remembers it. */
    record Committed(long lastOffset, int epoch, long crc) {
    }

    private record Event(long time, long seq, Runnable action) {
    }

    final class Node {
        final int id;
        final InMemoryRaftLog log = new InMemoryRaftLog();
        final InMemoryRaftStateStore store = new InMemoryRaftStateStore();
        final CommitWaiters<Long> waiters = new CommitWaiters<>();
        RaftMember member;
        boolean up = true;
        int incarnation;
        boolean flushPending;
        long lastCommit;
        /** Below this offset the log was checked against the committed record in this incarnation. */
        long checkedUpTo;

        Node(final int id) {
            this.id = id;
        }

        void start() {
            final int inc = incarnation;
            member = new RaftMember("sim", id, initialVoters, CONFIG, log, store,
                    (to, m) -> send(id, inc, to, m), listenerFor(this, inc), new Random(random.nextLong()), now);
            lastCommit = member.commitIndex();
            checkedUpTo = 0;
        }
    }

    final long seed;
    final Random random;
    /** Every node of the simulation; the first {@code initialVoterCount} start as voters, the rest as followers. */
    final List<Integer> voters = new ArrayList<>();
    final List<Integer> initialVoters = new ArrayList<>();
    int membershipChanges;
    int logStartMoves;
    int logResets;
    final Map<Integer, Node> nodes = new TreeMap<>();
    Faults faults;
    long now;
    private long seq;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
            a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final UnsafeBuffer wire = new UnsafeBuffer(new byte[64 * 1024]);
    /** groupOf[i] = partition side of node i; messages cross only between equal sides. */
    private final Map<Integer, Integer> side = new HashMap<>();

    // checker state
    final TreeMap<Long, Committed> committed = new TreeMap<>();
    final Map<Integer, Integer> leaderOfTerm = new HashMap<>();
    final TreeMap<Long, Long> acked = new TreeMap<>();
    private final Map<Long, Long> proposalCrc = new HashMap<>();
    private long proposals;
    long ackCount;
    long events;
    int elections;
    int crashes;
    int truncations;

    RaftSimulation(final long seed, final int n, final Faults faults) {
        this(seed, n, n, faults);
    }

    RaftSimulation(final long seed, final int n, final int initialVoterCount, final Faults faults) {
        this.seed = seed;
        this.random = new Random(seed);
        this.faults = faults;
        for (int i = 1; i <= n; i++) {
            if (i <= initialVoterCount) {
                initialVoters.add(i);
            }
            voters.add(i);
            nodes.put(i, new Node(i));
            side.put(i, 0);
        }
        for (final Node node : nodes.values()) {
            node.start();
        }
        schedule(TICK_MS, this::tickAll);
    }

    // ======================================================================================== driving

    /** Runs events until simulated time {@code untilMs}. */
    void runUntil(final long untilMs) {
        while (!queue.isEmpty() && queue.peek().time <= untilMs) {
            final Event e = queue.poll();
            now = e.time;
            e.action.run();
            events++;
            checkAfterEvent();
        }
        now = Math.max(now, untilMs);
    }

    /** Runs until {@code condition} holds or {@code budgetMs} passes; returns whether it held. */
    boolean runUntil(final java.util.function.BooleanSupplier condition, final long budgetMs) {
        final long deadline = now + budgetMs;
        while (!condition.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().time > deadline) {
                return false;
            }
            final Event e = queue.poll();
            now = e.time;
            e.action.run();
            events++;
            checkAfterEvent();
        }
        return true;
    }

    void schedule(final long delayMs, final Runnable action) {
        queue.add(new Event(now + delayMs, seq++, action));
    }

    private void tickAll() {
        for (final Node node : nodes.values()) {
            if (node.up) {
                node.member.tick(now);
            }
        }
        checkReadLeases();
        injectFaultsAndLoad();
        if (events % 97 == 0) {
            checkLogMatching();
        }
        schedule(TICK_MS, this::tickAll);
    }

    private void injectFaultsAndLoad() {
        final Faults f = faults;
        if (random.nextDouble() < f.proposePerTick) {
            final List<Node> leaders = new ArrayList<>();
            for (final Node node : nodes.values()) {
                if (node.up && node.member.isLeader()) {
                    leaders.add(node);
                }
            }
            if (!leaders.isEmpty()) {
                propose(leaders.get(random.nextInt(leaders.size())));
            }
        }
        if (random.nextDouble() < f.partitionPerTick && isHealed()) {
            final int mode = random.nextInt(3);
            for (final int id : voters) {
                side.put(id, mode == 0 ? random.nextInt(2) : 0);
            }
            if (mode != 0) {
                side.put(voters.get(random.nextInt(voters.size())), 1);   // isolate one node
            }
            schedule(50 + random.nextInt(1500), this::heal);
        }
        if (random.nextDouble() < f.crashPerTick) {
            final Node victim = nodes.get(voters.get(random.nextInt(voters.size())));
            if (victim.up) {
                crash(victim);
                schedule(20 + random.nextInt(800), () -> restart(victim));
            }
        }
        if (random.nextDouble() < f.membershipPerTick) {
            final Node leader = leader();
            if (leader != null) {
                final int target = voters.get(random.nextInt(voters.size()));
                final ProposeResult r = leader.member.voters().contains(target)
                        ? leader.member.removeVoter(target, now) : leader.member.addVoter(target, now);
                if (r instanceof ProposeResult.Accepted) {
                    membershipChanges++;
                }
            }
        }
        // (Drawn only when enabled, so that runs without it replay as before.)
        if (f.logStartMovesPerTick > 0 && random.nextDouble() < f.logStartMovesPerTick) {
            moveLogStart(nodes.get(voters.get(random.nextInt(voters.size()))));
        }
        if (random.nextDouble() < f.transferPerTick) {
            for (final Node node : nodes.values()) {
                if (node.up && node.member.isLeader()) {
                    node.member.transferLeadership(voters.get(random.nextInt(voters.size())), now);
                }
            }
        }
    }

    /** Retention or DeleteRecords on one member: its log start moves up, at most to its commit index, maybe into a batch. */
    private void moveLogStart(final Node node) {
        if (!node.up) {
            return;
        }
        final long start = node.log.startOffset();
        final long committed = node.log.highWatermark();
        if (committed > start) {
            node.log.deleteRecordsBefore(start + 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE, committed - start)));
            logStartMoves++;
        }
    }

    boolean isHealed() {
        for (final int s : side.values()) {
            if (s != 0) {
                return false;
            }
        }
        return true;
    }

    void heal() {
        for (final int id : voters) {
            side.put(id, 0);
        }
    }

    void partition(final Map<Integer, Integer> sides) {
        side.putAll(sides);
    }

    void crash(final Node node) {
        if (!node.up) {
            return;
        }
        node.up = false;
        crashes++;
        node.incarnation++;
        node.flushPending = false;
        node.log.crash();
        node.waiters.failOnRoleChange(RaftRole.FOLLOWER, -1);
        node.member = null;
    }

    void restart(final Node node) {
        if (node.up) {
            return;
        }
        node.up = true;
        node.start();
    }

    /** Proposes a uniquely identifiable batch at {@code node}; returns its proposal number, or -1 if refused. */
    long propose(final Node node) {
        final long n = ++proposals;
        final int records = 1 + random.nextInt(3);
        final SimpleRecord[] recs = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            recs[i] = new SimpleRecord(now, ("k" + n).getBytes(StandardCharsets.UTF_8),
                    ("seed" + seed + "-p" + n + "-" + i + "-" + "x".repeat(random.nextInt(400))).getBytes(StandardCharsets.UTF_8));
        }
        final MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, recs);
        final ProposeResult result = node.member.propose(batch, now);
        if (result instanceof ProposeResult.Accepted accepted) {
            node.waiters.add(accepted, accepted.baseOffset());
            proposalCrc.put(accepted.baseOffset() * 31 + node.id, batch.batches().iterator().next().checksum());
            return n;
        }
        return -1;
    }

    // ======================================================================================== network and disk

    private void send(final int from, final int incarnation, final int to, final RaftMessage message) {
        final Node sender = nodes.get(from);
        if (!sender.up || sender.incarnation != incarnation) {
            return;
        }
        final int length = RaftCodec.encode(wire, 0, from, message);
        final byte[] bytes = new byte[length];
        wire.getBytes(0, bytes);
        int copies = random.nextDouble() < faults.loss ? 0 : 1;
        if (random.nextDouble() < faults.duplicate) {
            copies++;
        }
        for (int i = 0; i < copies; i++) {
            final long delay = faults.minDelayMs + random.nextInt((int) (faults.maxDelayMs - faults.minDelayMs + 1));
            schedule(delay, () -> deliver(from, to, bytes));
        }
    }

    private void deliver(final int from, final int to, final byte[] bytes) {
        final Node target = nodes.get(to);
        if (target == null || !target.up || !side.get(from).equals(side.get(to))) {
            return;
        }
        final RaftCodec.Envelope envelope = RaftCodec.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        if (envelope.fromNode() != from) {
            throw fail("codec lost the sender: " + envelope.fromNode() + " != " + from);
        }
        target.member.handle(from, envelope.message(), now);
    }

    private void requestFlush(final Node node) {
        if (node.flushPending || !node.up) {
            return;
        }
        node.flushPending = true;
        final int incarnation = node.incarnation;
        final int truncations = node.log.truncations();
        final long end = node.log.endOffset();
        final long generation = node.member.logGeneration();
        schedule(1 + random.nextInt((int) faults.maxFsyncMs), () -> {
            if (!node.up || node.incarnation != incarnation) {
                return;
            }
            node.flushPending = false;
            if (node.log.truncations() == truncations) {
                node.log.markDurable(end);
            }
            node.member.onDurable(generation, end);
            if (node.log.endOffset() > node.log.durableEnd()) {
                requestFlush(node);
            }
        });
    }

    private RaftListener listenerFor(final Node node, final int incarnation) {
        return new RaftListener() {
            @Override
            public void onRoleChange(final RaftRole role, final int term, final int leaderId) {
                if (node.incarnation != incarnation) {
                    return;
                }
                node.waiters.failOnRoleChange(role, term);
                if (role == RaftRole.LEADER) {
                    elections++;
                    final Integer previous = leaderOfTerm.putIfAbsent(term, node.id);
                    if (previous != null && previous != node.id) {
                        throw fail("election safety: term " + term + " has leaders " + previous + " and " + node.id);
                    }
                    checkLeaderCompleteness(node);
                }
            }

            @Override
            public void onCommit(final long commitIndex, final int term, final boolean asLeader) {
                if (node.incarnation != incarnation) {
                    return;
                }
                if (commitIndex < node.lastCommit) {
                    throw fail("commit index of node " + node.id + " went back from " + node.lastCommit + " to " + commitIndex);
                }
                node.lastCommit = commitIndex;
                recordCommitted(node);
                for (final long base : node.waiters.onCommit(commitIndex, term, asLeader)) {
                    final Long crc = proposalCrc.get(base * 31 + node.id);
                    final Committed c = committed.get(base);
                    if (c == null || crc == null || c.crc() != crc || c.epoch() != term) {
                        throw fail("acknowledged proposal at " + base + " (term " + term + ", node " + node.id
                                + ") is not what was committed there: " + c);
                    }
                    acked.put(base, crc);
                    ackCount++;
                }
            }

            @Override
            public void onAppended(final long logEndOffset) {
                if (node.incarnation == incarnation) {
                    requestFlush(node);
                }
            }

            @Override
            public void onTruncated(final long newEndOffset) {
                truncations++;
                if (node.log.batches().isEmpty() && node.log.startOffset() == newEndOffset && newEndOffset > 0) {
                    logResets++;   // an InstallLogStart emptied the log
                }
                if (node.incarnation == incarnation && newEndOffset < node.checkedUpTo) {
                    throw fail("node " + node.id + " truncated to " + newEndOffset + " below its checked committed prefix "
                            + node.checkedUpTo);
                }
            }
        };
    }

    // ======================================================================================== checks

    private void checkAfterEvent() {
        if (queue.size() > 200_000) {
            throw fail("message storm: " + queue.size() + " events queued");
        }
        for (final Node node : nodes.values()) {
            if (!node.up) {
                continue;
            }
            if (node.member.refusedTruncations() > 0) {
                throw fail("node " + node.id + " was asked to truncate committed entries");
            }
            if (node.member.commitIndex() > node.log.endOffset()) {
                throw fail("node " + node.id + " commit index beyond its log end");
            }
        }
    }

    /**
     * Read lease: while a member says {@link RaftMember#isLeaderWithQuorum} (it would answer reads alone), no member
     * may lead a later term, or those reads could miss writes the newer leader acknowledged. (The simulated clocks
     * do not drift.)
     */
    private void checkReadLeases() {
        for (final Node node : nodes.values()) {
            if (!node.up || !node.member.isLeaderWithQuorum(now)) {
                continue;
            }
            for (final Node other : nodes.values()) {
                if (other.up && other.member.isLeader() && other.member.term() > node.member.term()) {
                    throw fail("read lease: node " + node.id + " (term " + node.member.term() + ") claims a quorum while node "
                            + other.id + " leads term " + other.member.term());
                }
            }
        }
    }

    /** State machine safety: the node's log below its commit index agrees with everything ever committed. */
    private void recordCommitted(final Node node) {
        final long commit = node.member.commitIndex();
        for (final InMemoryRaftLog.StoredBatch b : batchesFrom(node.log, node.checkedUpTo)) {
            if (b.nextOffset() > commit) {
                break;
            }
            final Committed mine = new Committed(b.lastOffset(), b.epoch(), b.crc());
            final Committed known = committed.putIfAbsent(b.baseOffset(), mine);
            if (known != null && !known.equals(mine)) {
                throw fail("state machine safety: offset " + b.baseOffset() + " committed as " + known + " but node "
                        + node.id + " has " + mine);
            }
            node.checkedUpTo = b.nextOffset();
        }
    }

    private void checkLeaderCompleteness(final Node leader) {
        final List<InMemoryRaftLog.StoredBatch> batches = leader.log.batches();
        for (final Map.Entry<Long, Committed> e : committed.tailMap(firstHeld(leader.log), true).entrySet()) {
            final InMemoryRaftLog.StoredBatch b = find(batches, e.getKey());
            if (b == null || b.crc() != e.getValue().crc() || b.epoch() != e.getValue().epoch()) {
                throw fail("leader completeness: new leader " + leader.id + " (term " + leader.member.term()
                        + ") lacks committed batch at " + e.getKey() + " " + e.getValue() + ", has " + b);
            }
        }
    }

    /**
     * Log matching: two logs holding a batch with the same offset and term are identical up to it, over the range
     * both still hold (a log start may have moved: retention, DeleteRecords, InstallLogStart).
     */
    void checkLogMatching() {
        final List<Node> all = new ArrayList<>(nodes.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                final List<InMemoryRaftLog.StoredBatch> a = all.get(i).log.batches();
                final List<InMemoryRaftLog.StoredBatch> b = all.get(j).log.batches();
                if (a.isEmpty() || b.isEmpty()) {
                    continue;
                }
                long lastSame = -1;
                for (final InMemoryRaftLog.StoredBatch x : a) {
                    final InMemoryRaftLog.StoredBatch y = find(b, x.baseOffset());
                    if (y != null && y.epoch() == x.epoch()) {
                        lastSame = x.baseOffset();
                    }
                }
                final long from = Math.max(a.get(0).baseOffset(), b.get(0).baseOffset());
                checkSameBatches(all.get(i), a, all.get(j), b, from, lastSame);
                checkSameBatches(all.get(j), b, all.get(i), a, from, lastSame);
            }
        }
    }

    /** Every batch of {@code a} with a base in [from, lastSame] is in {@code b}, identical. */
    private void checkSameBatches(final Node nodeA, final List<InMemoryRaftLog.StoredBatch> a, final Node nodeB,
            final List<InMemoryRaftLog.StoredBatch> b, final long from, final long lastSame) {
        for (final InMemoryRaftLog.StoredBatch x : a) {
            if (x.baseOffset() < from) {
                continue;
            }
            if (x.baseOffset() > lastSame) {
                break;
            }
            final InMemoryRaftLog.StoredBatch y = find(b, x.baseOffset());
            if (y == null || x.lastOffset() != y.lastOffset() || x.epoch() != y.epoch() || x.crc() != y.crc()) {
                throw fail("log matching: nodes " + nodeA.id + " and " + nodeB.id + " agree at offset " + lastSame
                        + " but differ at " + x.baseOffset() + ": " + x + " vs " + y);
            }
        }
    }

    /** The base offset of the first batch {@code log} still holds (committed batches below it were deleted there). */
    private static long firstHeld(final InMemoryRaftLog log) {
        final List<InMemoryRaftLog.StoredBatch> batches = log.batches();
        return batches.isEmpty() ? log.startOffset() : batches.get(0).baseOffset();
    }

    /** Every committed batch is in every log (call once all members caught up). */
    void checkAllLogsHoldCommitted() {
        final Node leader = leader();
        for (final Node node : nodes.values()) {
            if (leader != null && !leader.member.voters().contains(node.id)) {
                continue;   // a removed member stops receiving the log
            }
            final List<InMemoryRaftLog.StoredBatch> batches = node.log.batches();
            for (final Map.Entry<Long, Committed> e : committed.tailMap(firstHeld(node.log), true).entrySet()) {
                final InMemoryRaftLog.StoredBatch b = find(batches, e.getKey());
                if (b == null || b.crc() != e.getValue().crc()) {
                    throw fail("committed batch at " + e.getKey() + " missing on node " + node.id);
                }
            }
        }
    }

    private static List<InMemoryRaftLog.StoredBatch> batchesFrom(final InMemoryRaftLog log, final long offset) {
        final List<InMemoryRaftLog.StoredBatch> all = log.batches();
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (all.get(mid).nextOffset() <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return all.subList(lo, all.size());
    }

    private static InMemoryRaftLog.StoredBatch find(final List<InMemoryRaftLog.StoredBatch> batches, final long base) {
        int lo = 0;
        int hi = batches.size() - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final long b = batches.get(mid).baseOffset();
            if (b == base) {
                return batches.get(mid);
            } else if (b < base) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return null;
    }

    Node leader() {
        Node best = null;
        for (final Node node : nodes.values()) {
            if (node.up && node.member.isLeader() && (best == null || node.member.term() > best.member.term())) {
                best = node;
            }
        }
        return best;
    }

    AssertionError fail(final String what) {
        return new AssertionError("seed=" + seed + " nodes=" + nodes.size() + " t=" + now + "ms: " + what + "\n" + dump());
    }

    String dump() {
        final StringBuilder sb = new StringBuilder();
        for (final Node node : nodes.values()) {
            sb.append("  ").append(node.up ? node.member.describe() : "node " + node.id + " DOWN")
                    .append(" batches=").append(node.log.batches().size()).append('\n');
        }
        sb.append("  faults=").append(faults);
        return sb.toString();
    }
}
