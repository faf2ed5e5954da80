package io.ailurus.partition.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * Catching up a member that needs offsets the leader has deleted (retention, DeleteRecords), over
 * {@link TestCluster}: the leader sends InstallLogStart, the member empties its log and starts it there.
 */
class RaftInstallLogStartTest {

    private static final long RETRANSMIT_MS = RaftSimulation.CONFIG.retransmitTimeoutMs();

    @Test
    void followersFollowTheLeadersLogStartSoADeletionSurvivesALeaderChange() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        proposeAll(c, 1, "record", 10);
        final long start = c.node(1).log.deleteRecordsBefore(c.node(1).member.commitIndex() - 2);
        assertTrue(start > 0);
        c.advance(3 * RaftSimulation.CONFIG.heartbeatIntervalMs());
        assertEquals(start, c.node(2).log.startOffset(), "heartbeats carry the leader's log start");
        assertEquals(start, c.node(3).log.startOffset());

        c.isolated.add(1);
        c.elect(2);
        assertEquals(start, c.node(2).log.startOffset(), "the new leader does not serve the deleted records");
    }

    @Test
    void aFollowerDownWhileThePrefixWasDeletedCatchesUpAndCanLead() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        proposeAll(c, 1, "early", 3);
        c.isolated.add(3);   // node 3 is down from here
        proposeAll(c, 1, "missed", 10);
        final InMemoryRaftLog leaderLog = c.node(1).log;
        final long start = leaderLog.deleteRecordsBefore(c.node(1).member.commitIndex());
        assertTrue(start > c.node(3).log.endOffset(), "node 3 lacks the whole prefix the leader kept");

        c.node(3).crashAndRestart();
        c.isolated.clear();
        final List<RaftMessage.InstallLogStart> installs = new ArrayList<>();
        // The first InstallLogStart is lost: the leader must send it again, once per retransmit timeout.
        final boolean[] dropped = {false};
        c.advance(3 * RETRANSMIT_MS, e -> {
            if (e.message() instanceof RaftMessage.InstallLogStart m) {
                installs.add(m);
                if (!dropped[0]) {
                    dropped[0] = true;
                    return false;
                }
            }
            return true;
        });
        assertEquals(2, installs.size(), "resent once after the loss, and no more: " + installs);
        assertEquals(start, installs.get(1).startOffset());
        assertEquals(leaderLog.termAt(start - 1), installs.get(1).startTerm());

        final TestCluster.Node follower = c.node(3);
        assertEquals(start, follower.log.startOffset());
        assertEquals(leaderLog.endOffset(), follower.log.endOffset());
        assertEquals(c.node(1).member.commitIndex(), follower.member.commitIndex());
        assertEquals(crcs(leaderLog, start), crcs(follower.log, start), "the same suffix");
        assertTrue(follower.truncations > 0, "the owner heard of the reset");

        // Node 3 can lead: with node 1 gone, node 2 votes for it, and it commits and acknowledges a proposal.
        c.isolated.add(1);
        c.elect(3);
        assertInstanceOf(ProposeResult.Accepted.class, follower.propose("served by 3"));
        c.settle();
        assertEquals(List.of("served by 3"), follower.acked);
        assertEquals(follower.log.endOffset(), follower.member.commitIndex());
        assertEquals(follower.log.endOffset(), c.node(2).log.endOffset());
        c.isolated.clear();
        c.advance(2 * RETRANSMIT_MS);
        assertEquals(follower.log.endOffset(), c.node(1).log.endOffset(), "the old leader follows the new one");
    }

    @Test
    void aLearnerAddedAfterTheDeletionCatchesUpAndBecomesAVoter() {
        final TestCluster c = TestCluster.withNonVoter(4);
        c.elect(1);
        proposeAll(c, 1, "before", 5);
        final long lastBatchBase = c.node(1).log.endOffset();
        propose(c.node(1), "three records", 3);
        c.settle();
        // DeleteRecords into the middle of the last batch: it stays whole, and the learner gets it whole.
        final long start = c.node(1).log.deleteRecordsBefore(c.node(1).member.commitIndex() - 1);
        assertTrue(start > lastBatchBase);

        assertTrue(c.node(1).member.addLearner(4, c.now));
        c.settle();
        final TestCluster.Node learner = c.node(4);
        assertEquals(c.node(1).log.endOffset(), c.node(1).member.matchEndOf(4), "the learner caught up");
        // Installed at the batch holding the leader's start, then moved up to the start itself by the next
        // AppendEntries (followers follow the leader's log start); the batch holding it stays whole.
        assertEquals(start, learner.log.startOffset(), "it starts where the leader's log starts");
        assertEquals(crcs(c.node(1).log, lastBatchBase), crcs(learner.log, lastBatchBase));
        assertEquals(c.node(1).member.commitIndex(), learner.member.commitIndex());

        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).member.addVoter(4, c.now));
        c.settle();
        assertEquals(List.of(1, 2, 3, 4), learner.member.voters());
        proposeAll(c, 1, "after", 2);
        c.advance(RaftSimulation.CONFIG.heartbeatIntervalMs());   // a heartbeat spreads the final commit index
        assertEquals(c.node(1).log.endOffset(), learner.log.endOffset());
        assertEquals(c.node(1).member.commitIndex(), learner.member.commitIndex());
    }

    @Test
    void theVoterSetInForceAtTheStartIsApplied() {
        final TestCluster c = new TestCluster(4);
        c.elect(1);
        c.settle();
        c.isolated.add(3);   // node 3 never sees the voter change
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).member.removeVoter(4, c.now));
        c.settle();
        c.isolated.add(4);
        proposeAll(c, 1, "three voters", 4);
        final long start = c.node(1).log.deleteRecordsBefore(c.node(1).member.commitIndex());
        assertEquals(List.of(1, 2, 3, 4), c.node(3).member.voters());

        c.isolated.remove(3);
        c.advance(2 * RETRANSMIT_MS);
        assertEquals(start, c.node(3).log.startOffset());
        assertEquals(List.of(1, 2, 3), c.node(3).member.voters(), "the KRAFT_VOTERS batch is gone, the set it declared is not");
        assertTrue(c.node(3).member.votersCommitted());
        assertEquals(c.node(1).log.endOffset(), c.node(3).log.endOffset());
    }

    @Test
    void aFollowerThatAlreadyHoldsTheStartIsNotReset() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        proposeAll(c, 1, "shared", 4);
        c.isolated.add(3);
        proposeAll(c, 1, "missed", 4);
        final TestCluster.Node follower = c.node(3);
        final long followerEnd = follower.log.endOffset();
        final InMemoryRaftLog leaderLog = c.node(1).log;
        final long start = leaderLog.deleteRecordsBefore(followerEnd - 1);   // node 3 holds the leader's first batch
        c.isolated.clear();
        c.pending.clear();
        // As a leader sends it when its progress for node 3 fell below its start (a lost answer, a new term).
        follower.member.handle(1, new RaftMessage.InstallLogStart(c.node(1).member.term(), start, leaderLog.termAt(start - 1),
                List.of(1, 2, 3), c.node(1).member.commitIndex(), c.now), c.now);
        assertEquals(0, follower.log.startOffset(), "its log was kept");
        assertEquals(followerEnd, follower.log.endOffset());
        assertEquals(0, follower.truncations);
        final RaftMessage.AppendResponse answer = (RaftMessage.AppendResponse) c.pending.get(0).message();
        assertTrue(answer.success());
        assertEquals(followerEnd, answer.matchEnd(), "an empty AppendEntries at the start: it matches up to its end");

        c.advance(2 * RETRANSMIT_MS);
        assertEquals(start, follower.log.startOffset(), "then it follows the leader's log start");
        assertEquals(leaderLog.endOffset(), follower.log.endOffset());
        assertEquals(c.node(1).member.commitIndex(), follower.member.commitIndex());
    }

    @Test
    void anUncommittedSuffixOfAnotherTermAcrossTheStartIsReplaced() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        proposeAll(c, 1, "shared", 3);
        c.isolated.add(1);   // the old leader appends batches nobody else gets
        final TestCluster.Node old = c.node(1);
        for (int i = 0; i < 5; i++) {
            old.propose("lost-" + i);
        }
        c.pending.clear();
        old.log.markDurable(old.log.endOffset());
        final long oldCommit = old.member.commitIndex();
        final long oldEnd = old.log.endOffset();

        c.elect(2);
        proposeAll(c, 2, "new", 8);
        final InMemoryRaftLog leaderLog = c.node(2).log;
        final long start = leaderLog.deleteRecordsBefore(oldEnd - 1);
        assertTrue(start > oldCommit && start < oldEnd && old.log.termAt(start - 1) != leaderLog.termAt(start - 1),
                "node 1 reaches the start with a batch of another term there");

        c.isolated.clear();
        c.advance(3 * RETRANSMIT_MS);
        assertEquals(start, old.log.startOffset(), "its uncommitted suffix went with the reset");
        assertEquals(crcs(leaderLog, start), crcs(old.log, start));
        assertEquals(c.node(2).member.commitIndex(), old.member.commitIndex());
        assertEquals(0, old.member.refusedTruncations());
        assertEquals(List.of("shared-0", "shared-1", "shared-2"), old.acked, "what it appended alone was never acknowledged");
        assertEquals(List.of("lost-0", "lost-1", "lost-2", "lost-3", "lost-4"), old.failed);
    }

    private static void proposeAll(final TestCluster c, final int leader, final String prefix, final int n) {
        for (int i = 0; i < n; i++) {
            assertInstanceOf(ProposeResult.Accepted.class, c.node(leader).propose(prefix + "-" + i));
            c.settle();
        }
    }

    private static void propose(final TestCluster.Node leader, final String value, final int records) {
        final SimpleRecord[] recs = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            recs[i] = new SimpleRecord(0L, null, (value + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertInstanceOf(ProposeResult.Accepted.class, leader.member.propose(MemoryRecords.withRecords(Compression.NONE, recs), 0));
    }

    /** The checksums of the batches from {@code from}: equal lists mean the same batches. */
    private static List<Long> crcs(final InMemoryRaftLog log, final long from) {
        final List<Long> out = new ArrayList<>();
        for (final InMemoryRaftLog.StoredBatch b : log.batches()) {
            if (b.baseOffset() >= from) {
                out.add(b.crc());
            }
        }
        return out;
    }
}
