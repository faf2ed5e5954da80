package io.ailurus.chaos;

import io.ailurus.chaos.nemesis.Fault;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * How long and how hard a run is (RELIABILITY.md §5.4).
 *
 * @param faultPhase    how long the nemesis runs after the warm-up
 * @param minFault      shortest fault; faults last between this and maxFault
 * @param minGap        shortest calm between two faults
 * @param recovery      workload still running, all faults healed, before the final read (liveness after heal)
 * @param rate          total sends per second
 * @param netns         auto (namespaces when root and ≥ 2 nodes), on (whenever root), off (loopback)
 * @param kinds         the fault kinds this profile plays, of those the machine allows ({@code chaos.faults} narrows
 *                      them further)
 * @param tiering       tiered mode (an S3 bucket behind a fault proxy, tiered topic, object-store faults), or null
 */
public record ChaosProfile(String name, int nodes, Duration warmup, Duration faultPhase, Duration minFault,
        Duration maxFault, Duration minGap, Duration maxGap, Duration recovery, Duration finalReadLimit,
        int partitions, int producers, int assignConsumers, int subscribeConsumers, double rate,
        boolean idempotent, String netns, Set<Fault.Kind> kinds, Tiering tiering) {

    /**
     * Tiered mode: every node runs Shadow Indexing against the harness's bucket, the workload topic is tiered with
     * small segments and a small local retention (so that most of it lives only in the bucket by the final read), a
     * replay consumer re-reads every partition from the beginning every {@code replayEvery} (reads below the local log
     * start go to the bucket, during the faults too), and the object-store faults run on a track of their own,
     * overlapping the node faults.
     *
     * @param segmentBytes        the topic's {@code segment.bytes}
     * @param localRetentionBytes the topic's {@code local.retention.bytes}
     * @param uploadInterval      the nodes' {@code --tiered-storage-upload-interval} (also rolls older active segments)
     * @param callTimeout         the nodes' deadline of one object-store call, retries included
     * @param minFault            object-store faults last between this and maxFault
     * @param minGap              calm between two object-store faults, between this and maxGap
     */
    public record Tiering(int segmentBytes, long localRetentionBytes, Duration uploadInterval, Duration callTimeout,
            Duration minFault, Duration maxFault, Duration minGap, Duration maxGap, int replayConsumers,
            Duration replayEvery) {

        /**
         * The CI run's settings. The sizes keep only the last few seconds of each partition on local disk (the upload
         * interval rolls the active segment every 2 s anyway), so that even a short run reads mostly from the bucket.
         */
        public static Tiering ci() {
            return new Tiering(4096, 8192, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(8),
                    Duration.ofSeconds(14), Duration.ofSeconds(4), Duration.ofSeconds(8), 1, Duration.ofSeconds(15));
        }

        /** The soak's: the same sizes, longer and rarer object-store faults, a replay every 30 s. */
        public static Tiering soak() {
            return new Tiering(4096, 8192, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(40), 1, Duration.ofSeconds(30));
        }

        /** The workload topic's configs. */
        public Map<String, String> topicConfigs() {
            return Map.of("remote.storage.enable", "true", "segment.bytes", Integer.toString(segmentBytes),
                    "local.retention.bytes", Long.toString(localRetentionBytes));
        }
    }

    public ChaosProfile {
        kinds = kinds.isEmpty() ? EnumSet.noneOf(Fault.Kind.class) : EnumSet.copyOf(kinds);
    }

    /**
     * The per-PR run: three replicated nodes (network partitions in namespaces when root), ≈ 4 minutes on a 2-core
     * box, every available fault kind at least once.
     */
    public static ChaosProfile ci() {
        return new ChaosProfile("ci", 3, Duration.ofSeconds(8), Duration.ofSeconds(100), Duration.ofSeconds(4),
                Duration.ofSeconds(6), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(8),
                Duration.ofSeconds(60), 3, 2, 1, 1, 40, true, "auto", nodeKinds(), null);
    }

    /**
     * The per-PR tiered run (≈ 2.5 minutes): three nodes, a 60 s fault phase with the node faults that matter most to
     * the tier (a leader isolated, killed, paused, or losing its unsynced data while it uploads) and, overlapping
     * them, the bucket unavailable and slow. The other node faults are in the tiered soak.
     */
    public static ChaosProfile tieredCi() {
        return new ChaosProfile("tiered-ci", 3, Duration.ofSeconds(8), Duration.ofSeconds(60), Duration.ofSeconds(4),
                Duration.ofSeconds(6), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(8),
                Duration.ofSeconds(60), 3, 2, 1, 1, 40, true, "auto",
                EnumSet.of(Fault.Kind.ISOLATE_LEADER, Fault.Kind.KILL_ONE, Fault.Kind.PAUSE_ONE, Fault.Kind.POWER_LOSS,
                        Fault.Kind.S3_UNAVAILABLE, Fault.Kind.S3_SLOW), Tiering.ci());
    }

    /** The long run (not in CI): 30 minutes of faults by default. */
    public static ChaosProfile soak() {
        return new ChaosProfile("soak", 5, Duration.ofSeconds(20), Duration.ofMinutes(30), Duration.ofSeconds(5),
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(20),
                Duration.ofSeconds(120), 6, 3, 2, 1, 50, true, "auto", nodeKinds(), null);
    }

    /** The long tiered run (not in CI): the soak with a tiered topic and every node and object-store fault kind. */
    public static ChaosProfile tieredSoak() {
        return soak().tiered(Tiering.soak());
    }

    private static Set<Fault.Kind> nodeKinds() {
        final Set<Fault.Kind> kinds = EnumSet.allOf(Fault.Kind.class);
        kinds.removeIf(Fault.Kind::objectStore);
        return kinds;
    }

    /** This profile in tiered mode: the object-store kinds join its kinds; named {@code tiered-<name>}. */
    public ChaosProfile tiered(final Tiering t) {
        final Set<Fault.Kind> k = EnumSet.noneOf(Fault.Kind.class);
        k.addAll(kinds);
        k.add(Fault.Kind.S3_UNAVAILABLE);
        k.add(Fault.Kind.S3_SLOW);
        return new ChaosProfile(name.startsWith("tiered-") ? name : "tiered-" + name, nodes, warmup, faultPhase,
                minFault, maxFault, minGap, maxGap, recovery, finalReadLimit, partitions, producers, assignConsumers,
                subscribeConsumers, rate, idempotent, netns, k, t);
    }

    public boolean isTiered() {
        return tiering != null;
    }

    /**
     * Applies {@code chaos.duration} (seconds of faults), {@code chaos.nodes}, {@code chaos.netns} and
     * {@code chaos.tiered} ({@code true}: tiered mode, with the CI or soak tier settings after this profile's name)
     * when set.
     */
    public ChaosProfile withSystemProperties() {
        ChaosProfile p = this;
        final String duration = System.getProperty("chaos.duration", "");
        if (!duration.isBlank()) {
            p = p.withFaultPhase(Duration.ofSeconds(Long.parseLong(duration.strip())));
        }
        final String nodes = System.getProperty("chaos.nodes", "");
        if (!nodes.isBlank()) {
            p = new ChaosProfile(p.name, Integer.parseInt(nodes.strip()), p.warmup, p.faultPhase, p.minFault, p.maxFault,
                    p.minGap, p.maxGap, p.recovery, p.finalReadLimit, p.partitions, p.producers, p.assignConsumers,
                    p.subscribeConsumers, p.rate, p.idempotent, p.netns, p.kinds, p.tiering);
        }
        final String netns = System.getProperty("chaos.netns", "");
        if (!netns.isBlank()) {
            p = new ChaosProfile(p.name, p.nodes, p.warmup, p.faultPhase, p.minFault, p.maxFault, p.minGap, p.maxGap,
                    p.recovery, p.finalReadLimit, p.partitions, p.producers, p.assignConsumers, p.subscribeConsumers,
                    p.rate, p.idempotent, netns.strip(), p.kinds, p.tiering);
        }
        if (!p.isTiered() && Boolean.parseBoolean(System.getProperty("chaos.tiered", "").strip())) {
            p = p.tiered(p.name.contains("soak") ? Tiering.soak() : Tiering.ci());
        }
        return p;
    }

    public ChaosProfile withFaultPhase(final Duration d) {
        return new ChaosProfile(name, nodes, warmup, d, minFault, maxFault, minGap, maxGap, recovery, finalReadLimit,
                partitions, producers, assignConsumers, subscribeConsumers, rate, idempotent, netns, kinds, tiering);
    }
}
