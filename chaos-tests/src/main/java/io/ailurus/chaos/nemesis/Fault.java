package io.ailurus.chaos.nemesis;

import java.util.List;
import java.util.stream.Collectors;

/** One fault the nemesis starts and, after a while, heals. Targets are node ids (1-based). */
public sealed interface Fault permits Fault.Kill, Fault.Pause, Fault.PowerLoss, Fault.Partition, Fault.ObjectStore {

    /**
     * The kinds, with the row of RELIABILITY.md §5.3 each one covers. The object-store kinds (tiered mode only) are
     * this harness's own rows, T1 and T2 (README.md): they are beyond §5.3.
     */
    enum Kind {
        KILL_ONE("F1"), KILL_MAJORITY("F2"), PAUSE_ONE("F3"), POWER_LOSS("F8"),
        ISOLATE_ONE("F4"), ISOLATE_LEADER("F4"), SPLIT("F4"), RING("F5"),
        /** The bucket refuses every request (503 SlowDown, 500 InternalError or a TCP reset) for the window. */
        S3_UNAVAILABLE("T1"),
        /** Every request to the bucket waits a few seconds before it is forwarded, for the window. */
        S3_SLOW("T2");

        public final String row;

        Kind(final String row) {
            this.row = row;
        }

        public boolean network() {
            return this == ISOLATE_ONE || this == ISOLATE_LEADER || this == SPLIT || this == RING;
        }

        /** A fault of the object store (the bucket of tiered storage), not of a node. */
        public boolean objectStore() {
            return this == S3_UNAVAILABLE || this == S3_SLOW;
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

    /**
     * The object store misbehaves for every node at once (the nodes reach it through the harness's fault proxy).
     *
     * @param mode    for S3_UNAVAILABLE: {@code 503}, {@code 500} or {@code reset}; for S3_SLOW: {@code delay}
     * @param delayMs for S3_SLOW: how long each request waits; 0 otherwise
     */
    record ObjectStore(Kind kind, String mode, long delayMs) implements Fault {
        @Override
        public List<Integer> targets() {
            return List.of();
        }

        @Override
        public String describe() {
            return kind().name().toLowerCase() + " " + (kind() == Kind.S3_SLOW
                    ? String.format(java.util.Locale.ROOT, "+%.1f s per request", delayMs / 1000.0)
                    : switch (mode) {
                        case "503" -> "503 SlowDown";
                        case "500" -> "500 InternalError";
                        default -> "TCP reset";
                    });
        }
    }
}
