package io.ailurus.bench.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;

/**
 * One repetition on a fresh group id: the members form the group (measured), the group settles, one member leaves
 * (measured), the others leave (not measured).
 *
 * <ul>
 *   <li><b>Formation</b>: from the moment the members' threads are released to call subscribe() + poll() (the
 *       consumers are built before) until every member owns at least one partition and together they own all of
 *       them, as their onPartitionsAssigned callbacks report it.</li>
 *   <li><b>Rebalance after a leave</b>: from the moment the leaving member's thread calls close() (which sends
 *       LeaveGroup) until the remaining members, each in a newer generation, together own all partitions again.</li>
 * </ul>
 */
final class GroupTrial {

    /**
     * @param formationMs  time to form the group
     * @param rebalanceMs  time from close() of the leaving member until the others own everything again
     * @param closeMs      how long that close() call itself took
     */
    record Result(double formationMs, double rebalanceMs, double closeMs) {
    }

    private GroupTrial() {
    }

    /**
     * @param leaver        which member leaves
     * @param settleMillis  pause between the formation and the leave
     */
    static Result run(final String bootstrap, final String topic, final String groupId, final int leaver,
            final long settleMillis, final GroupBenchOptions options) throws InterruptedException, TimeoutException {
        final List<TopicPartition> all = IntStream.range(0, options.partitions())
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        final AssignmentBoard board = new AssignmentBoard(options.members(), all);
        final Duration timeout = Duration.ofSeconds(options.timeoutSeconds());
        final CountDownLatch start = new CountDownLatch(1);
        final List<GroupMember> members = new ArrayList<>();
        try {
            for (int i = 0; i < options.members(); i++) {
                final Map<String, Object> config = ConsumerSettings.member(bootstrap, groupId,
                        groupId + "-member-" + i, options.consumerProps());
                members.add(new GroupMember(i, topic, config, board, start, Duration.ofMillis(options.pollMillis()),
                        timeout, timeout));
            }

            board.arm(AssignmentBoard.allMembersAssigned());
            final long formationStart = System.nanoTime();
            start.countDown();
            final long formed = await(board, timeout, members, "formation");
            final double formationMs = (formed - formationStart) / 1e6;

            Thread.sleep(settleMillis);
            checkMembers(members);

            final List<Integer> remaining = IntStream.range(0, options.members()).filter(i -> i != leaver)
                    .boxed().toList();
            board.arm(AssignmentBoard.ownedBy(remaining, board.maxGeneration()));
            final GroupMember leaving = members.get(leaver);
            leaving.leave();
            final long rebalanced = await(board, timeout, members, "rebalance after member " + leaver + " left");
            if (!leaving.awaitClosed(timeout)) {
                throw new TimeoutException("member " + leaver + " did not finish close() within "
                        + timeout.toSeconds() + " s");
            }
            final double rebalanceMs = (rebalanced - leaving.closeStartNanos()) / 1e6;
            final double closeMs = (leaving.closeEndNanos() - leaving.closeStartNanos()) / 1e6;
            return new Result(formationMs, rebalanceMs, closeMs);
        } finally {
            // Unmeasured: everyone leaves. Each member closes on its own thread, all at once.
            start.countDown();
            members.forEach(GroupMember::leave);
            for (final GroupMember m : members) {
                if (!m.awaitClosed(timeout)) {
                    System.out.println("     member " + m.index() + " did not close within " + timeout.toSeconds()
                            + " s (its thread is left behind)");
                }
            }
        }
    }

    private static long await(final AssignmentBoard board, final Duration timeout, final List<GroupMember> members,
            final String what) throws InterruptedException, TimeoutException {
        try {
            return board.await(timeout);
        } catch (TimeoutException e) {
            final StringBuilder failures = new StringBuilder();
            for (final GroupMember m : members) {
                if (m.failure() != null) {
                    failures.append("; member ").append(m.index()).append(" failed: ").append(m.failure());
                }
            }
            throw new TimeoutException(what + ": " + e.getMessage() + failures);
        }
    }

    private static void checkMembers(final List<GroupMember> members) {
        for (final GroupMember m : members) {
            if (m.failure() != null) {
                throw new IllegalStateException("member " + m.index() + " failed: " + m.failure(), m.failure());
            }
        }
    }
}
