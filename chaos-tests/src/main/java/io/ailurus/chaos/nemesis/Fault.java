package io.ailurus.chaos.nemesis;

import java.util.List;
import java.util.stream.Collectors;

/** One fault the nemesis starts and, after a while, heals. Targets are node ids (1-based). */
public sealed interface Fault permits Fault.Kill, Fault.Pause, Fault.PowerLoss, Fault.Partition {

    /** The kinds, with the row of RELIABILITY.md §5.3 each one covers. */
    enum Kind {
        KILL_ONE("F1"), KILL_MAJORITY("F2"), PAUSE_ONE("F3"), POWER_LOSS("F8"),
        ISOLATE_ONE("F4"), ISOLATE_LEADER("F4"), SPLIT("F4"), RING("F5");

        public final String row;

        Kind(final String row) {
            this.row = row;
        }

        public boolean network() {
            return this == ISOLATE_ONE || this == ISOLATE_LEADER || this == SPLIT || this == RING;
        }
    }

    Kind kind();

    List<Integer> targets();

    default String describe() {
        return kind().name().toLowerCase() + " " + targets().stream().map(t -> "n" + t).collect(Collectors.joining(","));
    }

    /** SIGKILL; restarted when healed. */
    record Kill(Kind kind, List<Integer> targets) implements Fault {
    }

    /** SIGSTOP; SIGCONT when healed. */
    record Pause(Kind kind, List<Integer> targets) implements Fault {
    }

    /** SIGKILL, then every segment cut back to what was fsynced (as a power cut would); restarted when healed. */
    record PowerLoss(Kind kind, List<Integer> targets) implements Fault {
    }

    /**
     * Packets dropped between the node pairs in {@code cuts}; {@code targets} are the isolated side (for
     * ISOLATE_LEADER resolved when the fault starts). Clients still reach every node.
     */
    record Partition(Kind kind, List<Integer> targets, List<List<Integer>> cuts) implements Fault {
        @Override
        public String describe() {
            return kind().name().toLowerCase() + " cuts " + cuts.stream()
                    .map(c -> "n" + c.get(0) + "-n" + c.get(1)).collect(Collectors.joining(","));
        }
    }
}
