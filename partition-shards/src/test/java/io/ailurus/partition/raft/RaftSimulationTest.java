package io.ailurus.partition.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded chaos runs of the Raft group over {@link RaftSimulation}: random loss, delay, reordering,
 * duplication, partitions, crashes with loss of undurable data, leadership transfers and client proposals, with the
 * safety properties checked after every event; then the network heals and a leader must be elected and a proposal
 * acknowledged within bounded simulated time.
 *
 * <p>{@code -Draft.sim.runs=N} sets the runs per cluster size (default 700), {@code -Draft.sim.seed=S} replays one
 * seed (printed on failure), {@code -Draft.sim.chaosMs=T} the chaos phase length.
 */
class RaftSimulationTest {

    private static final int RUNS = Integer.getInteger("raft.sim.runs", 700);
    private static final long CHAOS_MS = Long.getLong("raft.sim.chaosMs", 2_500);
    private static final Long REPLAY = Long.getLong("raft.sim.seed");

    @Test
    void threeMembersSurviveChaos() {
        runMany(3, 1_000_000L);
    }

    @Test
    void fiveMembersSurviveChaos() {
        runMany(5, 2_000_000L);
    }

    /** A failing seed must replay exactly: the whole run is a function of the seed. */
    @Test
    void aSeedReplaysExactly() {
        for (long seed = 42; seed < 52; seed++) {
            final RaftSimulation a = runOne(seed, 5, 3, 0.01);
            final RaftSimulation b = runOne(seed, 5, 3, 0.01);
            assertEquals(a.events, b.events, "seed " + seed);
            assertEquals(a.ackCount, b.ackCount, "seed " + seed);
            assertEquals(a.committed, b.committed, "seed " + seed);
        }
    }

    /** Five nodes, three of them voters at first; the leader adds and removes voters one at a time. */
    @Test
    void membershipChangesSurviveChaos() {
        runMany(5, 3_000_000L, 3, 0.01);
    }

    /**
     * Members move their log start up to their commit index at random (retention, DeleteRecords): members that fall
     * behind catch up through InstallLogStart. (No voter changes here: a member restarted with its log start above
     * the last voter change falls back to the voters it is given at start, which the owner must keep current.)
     */
    @Test
    void logStartMovesSurviveChaos() {
        runMany(3, 4_000_000L, 3, 0, 0.01, RUNS / 2);
        runMany(5, 5_000_000L, 5, 0, 0.01, RUNS / 2);
    }

    private static void runMany(final int members, final long firstSeed) {
        runMany(members, firstSeed, members, 0);
    }

    private static void runMany(final int members, final long firstSeed, final int initialVoters, final double changes) {
        runMany(members, firstSeed, initialVoters, changes, 0, RUNS);
    }

    private static void runMany(final int members, final long firstSeed, final int initialVoters, final double changes,
            final double logStartMoves, final int runs) {
        long events = 0;
        long acks = 0;
        long elections = 0;
        long crashes = 0;
        long truncations = 0;
        long changesDone = 0;
        long startMoves = 0;
        long resets = 0;
        final long startNs = System.nanoTime();
        if (REPLAY != null) {
            final RaftSimulation sim = runOne(REPLAY, members, initialVoters, changes, logStartMoves);
            System.out.printf("replayed seed %d: %d events, %d elections, %d acks%n", REPLAY, sim.events, sim.elections, sim.ackCount);
            return;
        }
        for (int i = 0; i < runs; i++) {
            final RaftSimulation sim = runOne(firstSeed + i, members, initialVoters, changes, logStartMoves);
            events += sim.events;
            acks += sim.ackCount;
            elections += sim.elections;
            crashes += sim.crashes;
            truncations += sim.truncations;
            changesDone += sim.membershipChanges;
            startMoves += sim.logStartMoves;
            resets += sim.logResets;
        }
        System.out.printf("raft simulation, %d members: %d runs, %d events, %d elections, %d crashes, %d truncations, "
                + "%d voter changes, %d log start moves, %d log resets, %d acknowledged proposals, %d ms%n", members, runs,
                events, elections, crashes, truncations, changesDone, startMoves, resets, acks,
                (System.nanoTime() - startNs) / 1_000_000);
    }

    static RaftSimulation runOne(final long seed, final int members, final int initialVoters, final double changes) {
        return runOne(seed, members, initialVoters, changes, 0);
    }

    static RaftSimulation runOne(final long seed, final int members, final int initialVoters, final double changes,
            final double logStartMoves) {
        final RaftSimulation sim = new RaftSimulation(seed, members, initialVoters,
                RaftSimulation.Faults.random(new Random(seed * 7919)).withMembershipChanges(changes)
                        .withLogStartMoves(logStartMoves));
        sim.runUntil(CHAOS_MS);
        sim.checkLogMatching();

        // Heal everything: a leader must emerge and commit a proposal in its own term, in bounded time.
        sim.faults = RaftSimulation.Faults.none();
        sim.heal();
        for (final RaftSimulation.Node node : sim.nodes.values()) {
            sim.restart(node);
        }
        final boolean led = sim.runUntil(() -> sim.leader() != null && sim.leader().member.isLeaderWithQuorum(sim.now), 3_000);
        if (!led) {
            throw sim.fail("liveness: no leader with a quorum within 3 s after healing");
        }
        final long acksBefore = sim.ackCount;
        boolean acked = false;
        for (int attempt = 0; attempt < 5 && !acked; attempt++) {
            final RaftSimulation.Node leader = sim.leader();
            if (leader != null) {
                sim.propose(leader);
            }
            acked = sim.runUntil(() -> sim.ackCount > acksBefore, 1_000);
        }
        if (!acked) {
            throw sim.fail("liveness: a proposal was not acknowledged within 5 s after healing");
        }
        final boolean converged = sim.runUntil(() -> {
            final RaftSimulation.Node leader = sim.leader();
            if (leader == null) {
                return false;
            }
            for (final RaftSimulation.Node node : sim.nodes.values()) {
                if (!leader.member.voters().contains(node.id)) {
                    continue;
                }
                if (node.member.commitIndex() != leader.member.commitIndex()
                        || node.log.endOffset() != leader.log.endOffset()) {
                    return false;
                }
            }
            return true;
        }, 3_000);
        if (!converged) {
            throw sim.fail("liveness: members did not converge within 3 s after healing");
        }
        sim.checkLogMatching();
        sim.checkAllLogsHoldCommitted();
        assertTrue(sim.committed.size() > 0);
        return sim;
    }
}
