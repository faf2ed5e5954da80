package io.ailurus.partition.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * A hand-driven cluster for focused scenarios: messages queue up until the test delivers (or drops) them, time moves
 * only when the test says so, and logs become durable only on {@link #flush}.
 */
final class TestCluster {

    record Envelope(int from, int to, RaftMessage message) {
    }

    final class Node {
        final int id;
        final InMemoryRaftLog log = new InMemoryRaftLog();
        final InMemoryRaftStateStore store = new InMemoryRaftStateStore();
        final List<String> events = new ArrayList<>();
        final CommitWaiters<String> waiters = new CommitWaiters<>();
        final List<String> acked = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        RaftMember member;
        int truncations;

        Node(final int id) {
            this.id = id;
        }

        void start() {
            member = new RaftMember("test", id, voters, RaftSimulation.CONFIG, log, store,
                    (to, m) -> pending.add(new Envelope(id, to, m)), new RaftListener() {
                        @Override
                        public void onRoleChange(final RaftRole role, final int term, final int leaderId) {
                            events.add(role + "@" + term);
                            failed.addAll(waiters.failOnRoleChange(role, term));
                        }

                        @Override
                        public void onCommit(final long commitIndex, final int term, final boolean asLeader) {
                            acked.addAll(waiters.onCommit(commitIndex, term, asLeader));
                        }

                        @Override
                        public void onTruncated(final long newEndOffset) {
                            truncations++;
                        }
                    }, new Random(id), now);
        }

        /** Loses the undurable suffix and restarts with the persisted term and vote. */
        void crashAndRestart() {
            pending.removeIf(e -> e.from == id || e.to == id);
            log.crash();
            start();
        }

        ProposeResult propose(final String value) {
            final MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(now, null, value.getBytes(StandardCharsets.UTF_8)));
            final ProposeResult r = member.propose(batch, now);
            if (r instanceof ProposeResult.Accepted a) {
                waiters.add(a, value);
            }
            return r;
        }
    }

    final List<Integer> voters = new ArrayList<>();
    final Map<Integer, Node> nodes = new TreeMap<>();
    final List<Envelope> pending = new ArrayList<>();
    final Set<Integer> isolated = new HashSet<>();
    long now = 0;

    TestCluster(final int n) {
        for (int i = 1; i <= n; i++) {
            voters.add(i);
            nodes.put(i, new Node(i));
        }
        nodes.values().forEach(Node::start);
    }

    /**
     * {@code n} members of which the last started outside the voter set (a learner-to-be: it knows the others as
     * voters, not itself), and is counted in {@link #voters} afterwards so checks include it.
     */
    static TestCluster withNonVoter(final int n) {
        final TestCluster c = new TestCluster(n);
        c.voters.remove(Integer.valueOf(n));
        c.nodes.values().forEach(Node::start);
        c.voters.add(n);
        return c;
    }

    Node node(final int id) {
        return nodes.get(id);
    }

    /** Delivers queued messages (and those they cause) that pass {@code filter}; the rest are dropped. */
    void deliver(final Predicate<Envelope> filter) {
        int rounds = 0;
        while (!pending.isEmpty()) {
            if (++rounds > 100_000) {
                throw new AssertionError("message loop");
            }
            final Envelope e = pending.remove(0);
            if (filter.test(e) && !isolated.contains(e.from) && !isolated.contains(e.to)) {
                nodes.get(e.to).member.handle(e.from, e.message, now);
            }
        }
    }

    void deliverAll() {
        deliver(e -> true);
    }

    /** Every node's log becomes durable up to its end. */
    void flush(final int... ids) {
        for (final int id : ids) {
            final Node n = nodes.get(id);
            n.log.markDurable(n.log.endOffset());
            n.member.onDurable(n.member.logGeneration(), n.log.endOffset());
        }
    }

    void flushAll() {
        for (final int id : voters) {
            flush(id);
        }
    }

    /** Deliver and flush until nothing moves. */
    void settle() {
        settle(e -> true);
    }

    /** As {@link #settle()}, delivering only the messages that pass {@code filter}. */
    void settle(final Predicate<Envelope> filter) {
        for (int i = 0; i < 20; i++) {
            deliver(filter);
            flushAll();
        }
        deliver(filter);
    }

    /** Moves the clock forward in steps of 5 ms, ticking every node not isolated, delivering and flushing. */
    void advance(final long ms) {
        advance(ms, e -> true);
    }

    /** As {@link #advance(long)}, delivering only the messages that pass {@code filter}. */
    void advance(final long ms, final Predicate<Envelope> filter) {
        final long until = now + ms;
        while (now < until) {
            now += 5;
            for (final Node n : nodes.values()) {
                n.member.tick(now);
            }
            settle(filter);
        }
    }

    /** Makes {@code id} time out first and win an election. */
    void elect(final int id) {
        now += 2 * RaftSimulation.CONFIG.electionTimeoutMinMs();
        nodes.get(id).member.tick(now);
        settle();
        if (!nodes.get(id).member.isLeader()) {
            throw new AssertionError("node " + id + " did not win: " + nodes.get(id).member.describe());
        }
    }
}
