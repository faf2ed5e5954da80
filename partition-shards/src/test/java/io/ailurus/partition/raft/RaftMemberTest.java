package io.ailurus.partition.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/** Focused scenarios for the pitfalls of RELIABILITY.md §4, driven by hand over {@link TestCluster}. */
class RaftMemberTest {

    private static final long ELECTION_MS = RaftSimulation.CONFIG.electionTimeoutMinMs();

    @Test
    void electedLeaderCommitsItsNoopAndEveryoneLearnsTheCommitIndex() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        final RaftMember leader = c.node(1).member;
        assertEquals(1, leader.term());
        assertEquals(c.node(1).log.endOffset(), leader.commitIndex());
        final RecordBatch noop = lastBatch(c.node(1).log);
        assertTrue(noop.isControlBatch(), "the no-op is a control batch consumers skip");
        assertEquals(1, noop.partitionLeaderEpoch());
        c.advance(50);   // a heartbeat carries the commit index
        for (final int id : c.voters) {
            assertEquals(leader.commitIndex(), c.node(id).member.commitIndex(), "node " + id);
        }
        assertTrue(leader.isLeaderWithQuorum(c.now));
    }

    @Test
    void preVoteKeepsARejoiningNodeFromDisruptingTheLeader() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        final int term = c.node(1).member.term();
        c.isolated.add(3);
        c.advance(20 * ELECTION_MS);   // node 3 times out again and again, alone
        assertEquals(term, c.node(3).member.term(), "a pre-candidate never bumps its term");
        assertEquals(RaftRole.PRE_CANDIDATE, c.node(3).member.role());
        c.isolated.clear();
        c.advance(3 * ELECTION_MS);
        assertTrue(c.node(1).member.isLeader());
        assertEquals(term, c.node(1).member.term(), "the healthy leader was not deposed");
        assertEquals(RaftRole.FOLLOWER, c.node(3).member.role());
        assertEquals(1, c.node(3).member.leaderId());
    }

    @Test
    void leaderThatLostItsMajorityStepsDownAndAcknowledgesNothing() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        c.isolated.add(1);
        c.node(1).propose("lost");
        assertTrue(c.node(1).member.isLeader());
        c.advance(3 * ELECTION_MS);
        assertFalse(c.node(1).member.isLeader(), "check-quorum deposes a leader cut off from its majority");
        assertFalse(c.node(1).member.isLeaderWithQuorum(c.now));
        assertTrue(c.node(1).events.contains("FOLLOWER@1"));
        assertEquals(List.of("lost"), c.node(1).failed);
        assertTrue(c.node(1).acked.isEmpty());
        assertTrue(c.node(2).member.isLeader() || c.node(3).member.isLeader(), "the majority elected a new leader");
    }

    @Test
    void delayedDuplicateAppendEntriesDoesNotTruncate() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        c.node(1).propose("a");
        final List<TestCluster.Envelope> stale = new ArrayList<>();
        for (final TestCluster.Envelope e : c.pending) {
            if (e.to() == 2 && e.message() instanceof RaftMessage.AppendEntries ae && ae.batches().sizeInBytes() > 0) {
                stale.add(e);
            }
        }
        assertFalse(stale.isEmpty());
        c.settle();
        c.node(1).propose("b");
        c.node(1).propose("c");
        c.settle();
        final long end = c.node(2).log.endOffset();
        final int batches = c.node(2).log.batches().size();
        for (final TestCluster.Envelope e : stale) {
            c.node(2).member.handle(1, e.message(), c.now);   // the old request arrives again, late
        }
        c.settle();
        assertEquals(end, c.node(2).log.endOffset());
        assertEquals(batches, c.node(2).log.batches().size());
        assertEquals(0, c.node(2).truncations);
    }

    @Test
    void refusesToTruncateBelowTheCommitIndex() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        c.node(1).propose("a");
        c.settle();
        c.advance(50);
        final InMemoryRaftLog log = c.node(2).log;
        final long commit = c.node(2).member.commitIndex();
        assertEquals(log.endOffset(), commit);
        // A (buggy) request that conflicts with a committed batch: same offset, another term.
        final long base = log.batches().get(0).baseOffset();
        final MemoryRecords forged = MemoryRecords.withRecords(base, Compression.NONE, 0,
                new SimpleRecord(c.now, null, "forged".getBytes(StandardCharsets.UTF_8)));
        c.node(2).member.handle(1, new RaftMessage.AppendEntries(1, base, 0, commit, c.now, forged), c.now);
        assertEquals(1, c.node(2).member.refusedTruncations());
        assertEquals(commit, log.endOffset());
        assertEquals(0, c.node(2).truncations);
    }

    @Test
    void newLeaderCommitsOlderEntriesOnlyThroughAnEntryOfItsOwnTerm() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        final long committedBefore = c.node(1).member.commitIndex();
        c.node(1).propose("x");
        c.deliver(e -> e.message() instanceof RaftMessage.AppendEntries);   // replicated, acks lost
        c.flush(2, 3);
        c.pending.clear();
        final long xEnd = c.node(2).log.endOffset();
        assertEquals(xEnd, c.node(2).log.durableEnd());

        c.isolated.add(1);
        c.now += 2 * ELECTION_MS;
        c.node(2).member.tick(c.now);
        c.deliverAll();   // node 2 wins term 2, appends its no-op and sends it to node 3; nothing new is durable
        final RaftMember leader = c.node(2).member;
        assertTrue(leader.isLeader());
        assertEquals(2, leader.term());
        assertTrue(c.node(2).log.endOffset() > xEnd, "the no-op follows x");
        assertEquals(committedBefore, leader.commitIndex(),
                "x is durable on a majority but is of term 1: not committed before the no-op is");
        assertFalse(leader.isLeaderWithQuorum(c.now), "no reads before an entry of this term commits");

        c.flush(2, 3);
        c.deliverAll();
        assertEquals(c.node(2).log.endOffset(), leader.commitIndex(), "the no-op commits x with it");
        assertTrue(leader.isLeaderWithQuorum(c.now));
    }

    @Test
    void commitWaiterFailsWhenTheTermChangesEvenIfTheEntryCommitsLater() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        final ProposeResult r = c.node(1).propose("w");
        final long offset = ((ProposeResult.Accepted) r).lastOffset();
        c.deliver(e -> e.to() == 2 && e.message() instanceof RaftMessage.AppendEntries);
        c.isolated.add(1);
        c.elect(2);   // node 2 holds w and commits it in term 2
        assertTrue(c.node(2).member.commitIndex() > offset);
        c.isolated.clear();
        c.advance(2 * ELECTION_MS);
        assertFalse(c.node(1).member.isLeader());
        assertEquals(List.of("w"), c.node(1).failed, "acknowledged only if committed in the term it was proposed");
        assertTrue(c.node(1).acked.isEmpty());
        assertTrue(c.node(1).member.commitIndex() > offset, "the old leader catches up with the new commit index");
    }

    @Test
    void leadershipTransferCatchesTheTargetUpAndHandsOver() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        c.node(1).propose("a");
        c.settle();
        c.isolated.add(3);
        c.node(1).propose("b");
        c.node(1).propose("c");
        c.settle();
        c.isolated.clear();
        final long end = c.node(1).log.endOffset();
        assertTrue(c.node(3).log.endOffset() < end, "the target lags");

        assertTrue(c.node(1).member.transferLeadership(3, c.now));
        assertInstanceOf(ProposeResult.NotLeader.class, c.node(1).propose("refused during transfer"));
        assertFalse(c.node(1).member.isLeaderWithQuorum(c.now));
        c.advance(ELECTION_MS);   // retransmission catches the target up, then TimeoutNow
        assertTrue(c.node(3).member.isLeader(), c.node(3).member.describe());
        assertEquals(2, c.node(3).member.term());
        assertFalse(c.node(1).member.isLeader());
        assertTrue(c.node(3).log.endOffset() > end, "holds everything plus its no-op");
        assertEquals(c.node(3).log.endOffset(), c.node(3).member.commitIndex());
    }

    @Test
    void voteIsDurableBeforeTheReplyAndACrashCannotGrantASecondVote() {
        final InMemoryRaftStateStore store = new InMemoryRaftStateStore();
        final InMemoryRaftLog log = new InMemoryRaftLog();
        final List<String> sent = new ArrayList<>();
        final RaftOutbox outbox = (to, m) -> sent.add(to + " " + m + " stored=" + store.load());
        RaftMember member = new RaftMember("test", 3, List.of(1, 2, 3), RaftSimulation.CONFIG, log, store, outbox,
                new RaftListener() { }, new Random(1), 0);
        member.handle(1, new RaftMessage.VoteRequest(1, 0, 0, false), 500);
        assertEquals(List.of("1 VoteResponse[term=1, granted=true] stored=ElectionState[term=1, votedFor=1]"), sent);

        // Crash right after replying: the restarted member must remember the vote of term 1.
        member = new RaftMember("test", 3, List.of(1, 2, 3), RaftSimulation.CONFIG, log, store, outbox,
                new RaftListener() { }, new Random(2), 600);
        sent.clear();
        member.handle(2, new RaftMessage.VoteRequest(1, 0, 0, false), 2_000);
        member.handle(1, new RaftMessage.VoteRequest(1, 0, 0, false), 2_000);
        assertEquals(List.of(
                "2 VoteResponse[term=1, granted=false] stored=ElectionState[term=1, votedFor=1]",
                "1 VoteResponse[term=1, granted=true] stored=ElectionState[term=1, votedFor=1]"), sent);
    }

    @Test
    void recentlyRestartedOrLeaderContactedNodesRefusePreVotes() {
        final InMemoryRaftStateStore store = new InMemoryRaftStateStore();
        final List<RaftMessage> sent = new ArrayList<>();
        final RaftMember member = new RaftMember("test", 3, List.of(1, 2, 3), RaftSimulation.CONFIG,
                new InMemoryRaftLog(), store, (to, m) -> sent.add(m), new RaftListener() { }, new Random(1), 1_000);
        member.handle(1, new RaftMessage.PreVoteRequest(1, 0, 0), 1_050);
        member.handle(1, new RaftMessage.PreVoteRequest(1, 0, 0), 1_000 + ELECTION_MS);
        assertEquals(List.of(new RaftMessage.PreVoteResponse(0, 1, false), new RaftMessage.PreVoteResponse(0, 1, true)), sent);
        assertEquals(0, member.term(), "a pre-vote changes no term");
        assertEquals(0, store.saves());
    }

    @Test
    void singleMemberGroupElectsItselfAndCommitsOnItsOwnFsync() {
        final InMemoryRaftLog log = new InMemoryRaftLog();
        final List<Long> commits = new ArrayList<>();
        final RaftMember member = new RaftMember("solo", 1, List.of(1), RaftSimulation.CONFIG, log,
                new InMemoryRaftStateStore(), (to, m) -> { }, new RaftListener() {
                    @Override
                    public void onCommit(final long commitIndex, final int term, final boolean asLeader) {
                        commits.add(commitIndex);
                    }
                }, new Random(1), 0);
        member.tick(2 * ELECTION_MS);
        assertTrue(member.isLeader());
        assertEquals(0, log.endOffset(), "a lone voter writes no term marker: its offsets stay dense across restarts");
        assertEquals(List.of(0L), commits, "it serves at once (an empty commit report)");
        final ProposeResult r = member.propose(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1L, null, "v".getBytes(StandardCharsets.UTF_8))), 2 * ELECTION_MS);
        assertInstanceOf(ProposeResult.Accepted.class, r);
        assertEquals(0, ((ProposeResult.Accepted) r).baseOffset());
        assertEquals(List.of(0L), commits, "nothing commits before it is durable");
        member.onDurable(member.logGeneration(), log.endOffset());
        assertEquals(List.of(0L, log.endOffset()), commits);
        assertTrue(member.isLeaderWithQuorum(2 * ELECTION_MS));
    }

    private static RecordBatch lastBatch(final InMemoryRaftLog log) {
        final InMemoryRaftLog.StoredBatch last = log.batches().get(log.batches().size() - 1);
        RecordBatch found = null;
        for (final RecordBatch b : log.read(last.baseOffset(), 1).records().batches()) {
            found = b;
        }
        return found;
    }
}
