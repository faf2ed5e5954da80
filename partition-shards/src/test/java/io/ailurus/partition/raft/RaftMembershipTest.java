package io.ailurus.partition.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Single-server voter changes (Ongaro §4.1) over {@link TestCluster}. */
class RaftMembershipTest {

    @Test
    void changesNeedACommittedEntryOfTheTermAndOneAtATime() {
        final TestCluster c = new TestCluster(3);
        c.now += 200;
        c.node(1).member.tick(c.now);
        c.deliverAll();   // leader, but its no-op is not durable anywhere yet
        assertTrue(c.node(1).member.isLeader());
        assertInstanceOf(ProposeResult.Rejected.class, c.node(1).member.removeVoter(3, c.now));
        c.settle();
        final ProposeResult first = c.node(1).member.removeVoter(3, c.now);
        assertInstanceOf(ProposeResult.Accepted.class, first);
        assertEquals(List.of(1, 2), c.node(1).member.voters(), "in force as soon as it is appended");
        assertInstanceOf(ProposeResult.Rejected.class, c.node(1).member.addVoter(3, c.now), "the first change is not committed");
        assertInstanceOf(ProposeResult.Rejected.class, c.node(1).member.removeVoter(1, c.now));
        c.settle();
        assertEquals(List.of(1, 2), c.node(2).member.voters());
        assertInstanceOf(ProposeResult.Rejected.class, c.node(1).member.removeVoter(1, c.now), "the leader cannot remove itself");
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).member.addVoter(3, c.now));
        c.settle();
        for (final int id : c.voters) {
            assertEquals(List.of(1, 2, 3), c.node(id).member.voters(), "node " + id);
        }
    }

    @Test
    void aRemovedMajorityMemberNoLongerCountsAndTheRestCommit() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).member.removeVoter(3, c.now));
        c.settle();
        c.isolated.add(3);
        c.node(1).propose("two voters are a majority of two");
        c.settle();
        assertEquals(c.node(1).log.endOffset(), c.node(1).member.commitIndex());
        assertTrue(c.node(3).log.endOffset() < c.node(1).log.endOffset());
    }

    @Test
    void anUncommittedChangeIsUndoneWithItsTruncatedBatch() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        c.node(1).member.addVoter(4, c.now);   // appended by node 1 only: the others never see it
        c.pending.clear();
        assertEquals(List.of(1, 2, 3, 4), c.node(1).member.voters());
        c.isolated.add(1);
        c.elect(2);
        c.node(2).propose("newer");
        c.settle();
        c.isolated.clear();
        c.advance(2 * RaftSimulation.CONFIG.electionTimeoutMinMs());
        assertEquals(List.of(1, 2, 3), c.node(1).member.voters(), "the truncation took the voter change with it");
        assertTrue(c.node(1).truncations > 0);
    }

    @Test
    void aRestartedMemberReadsTheVoterSetFromItsLog() {
        final TestCluster c = new TestCluster(3);
        c.elect(1);
        c.node(1).member.removeVoter(2, c.now);
        c.settle();
        c.node(3).crashAndRestart();
        assertEquals(List.of(1, 3), c.node(3).member.voters());
    }

    @Test
    void aLearnerCatchesUpWithoutAVoteAndThenJoins() {
        final TestCluster c = TestCluster.withNonVoter(4);
        c.elect(1);
        for (int i = 0; i < 5; i++) {
            c.node(1).propose("before-" + i);
        }
        c.settle();
        assertEquals(-1, c.node(1).member.matchEndOf(4));
        assertTrue(c.node(1).member.addLearner(4, c.now));
        c.settle();
        assertEquals(c.node(1).log.endOffset(), c.node(1).member.matchEndOf(4), "the learner caught up");
        assertEquals(List.of(1, 2, 3), c.node(1).member.voters());
        c.isolated.add(4);
        c.node(1).propose("a learner does not count");
        c.settle();
        assertEquals(c.node(1).log.endOffset(), c.node(1).member.commitIndex());
        c.isolated.clear();
        assertInstanceOf(ProposeResult.Accepted.class, c.node(1).member.addVoter(4, c.now));
        c.settle();
        assertEquals(List.of(1, 2, 3, 4), c.node(4).member.voters());
        assertEquals(c.node(1).log.endOffset(), c.node(4).log.endOffset());
    }
}
