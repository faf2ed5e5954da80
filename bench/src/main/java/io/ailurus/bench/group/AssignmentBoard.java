package io.ailurus.bench.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * What each member of one group owns right now, as its rebalance callbacks report it (on the member's own thread,
 * inside {@code poll()}), and the moment a goal about it first came true.
 *
 * <p>A goal is armed before the events that can meet it start; every update then checks it, and the first update
 * after which it holds stamps {@link System#nanoTime()}. So the time is that of the callback that completed the goal,
 * not that of the thread that waits for it.
 */
final class AssignmentBoard {

    private final Set<TopicPartition> all;
    private final List<Set<TopicPartition>> owned = new ArrayList<>();
    private final int[] generation;
    private Predicate<AssignmentBoard> goal;
    private long metAtNanos = -1;

    AssignmentBoard(final int members, final Collection<TopicPartition> all) {
        this.all = Set.copyOf(all);
        this.generation = new int[members];
        for (int i = 0; i < members; i++) {
            owned.add(Set.of());
            generation[i] = -1;
        }
    }

    /** The member's whole assignment after a callback, and the generation it belongs to. */
    synchronized void update(final int member, final Collection<TopicPartition> partitions, final int generationId) {
        owned.set(member, Set.copyOf(partitions));
        generation[member] = generationId;
        if (goal != null && metAtNanos < 0 && goal.test(this)) {
            metAtNanos = System.nanoTime();
            notifyAll();
        }
    }

    /** Forgets any earlier goal; the next update (or {@link #await}) checks this one. */
    synchronized void arm(final Predicate<AssignmentBoard> next) {
        goal = next;
        metAtNanos = -1;
    }

    /** Waits, bounded, until the armed goal holds; returns the nanoTime at which it came true. */
    synchronized long await(final Duration timeout) throws InterruptedException, TimeoutException {
        if (metAtNanos < 0 && goal.test(this)) {
            metAtNanos = System.nanoTime();
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (metAtNanos < 0) {
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("goal not met within " + timeout.toSeconds() + " s; " + this);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return metAtNanos;
    }

    synchronized int generation(final int member) {
        return generation[member];
    }

    synchronized int maxGeneration() {
        int max = -1;
        for (final int g : generation) {
            max = Math.max(max, g);
        }
        return max;
    }

    /** Goal: every member owns something and together they own every partition (the first join of a group). */
    static Predicate<AssignmentBoard> allMembersAssigned() {
        return b -> {
            final Set<TopicPartition> union = new HashSet<>();
            for (final Set<TopicPartition> s : b.owned) {
                if (s.isEmpty()) {
                    return false;
                }
                union.addAll(s);
            }
            return union.equals(b.all);
        };
    }

    /**
     * Goal: the given members, each in a generation newer than {@code afterGeneration}, together own every partition
     * (the group after a member left).
     */
    static Predicate<AssignmentBoard> ownedBy(final List<Integer> members, final int afterGeneration) {
        return b -> {
            final Set<TopicPartition> union = new HashSet<>();
            for (final int m : members) {
                if (b.generation[m] <= afterGeneration) {
                    return false;
                }
                union.addAll(b.owned.get(m));
            }
            return union.equals(b.all);
        };
    }

    @Override
    public synchronized String toString() {
        final StringBuilder s = new StringBuilder("assignments:");
        for (int i = 0; i < owned.size(); i++) {
            final List<Integer> parts = new ArrayList<>();
            owned.get(i).forEach(tp -> parts.add(tp.partition()));
            s.append(" member ").append(i).append(" gen ").append(generation[i]).append(' ')
                    .append(new TreeSet<>(parts));
        }
        return s.toString();
    }
}
