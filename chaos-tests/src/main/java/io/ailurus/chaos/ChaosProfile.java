package io.ailurus.chaos;

import java.time.Duration;

/**
 * How long and how hard a run is (RELIABILITY.md §5.4).
 *
 * @param faultPhase    how long the nemesis runs after the warm-up
 * @param minFault      shortest fault; faults last between this and maxFault
 * @param minGap        shortest calm between two faults
 * @param recovery      workload still running, all faults healed, before the final read (liveness after heal)
 * @param rate          total sends per second
 * @param netns         auto (namespaces when root and ≥ 2 nodes), on (whenever root), off (loopback)
 */
public record ChaosProfile(String name, int nodes, Duration warmup, Duration faultPhase, Duration minFault,
        Duration maxFault, Duration minGap, Duration maxGap, Duration recovery, Duration finalReadLimit,
        int partitions, int producers, int assignConsumers, int subscribeConsumers, double rate,
        boolean idempotent, String netns) {

    /**
     * The per-PR run: three replicated nodes (network partitions in namespaces when root), ≈ 4 minutes on a 2-core
     * box, every available fault kind at least once.
     */
    public static ChaosProfile ci() {
        return new ChaosProfile("ci", 3, Duration.ofSeconds(8), Duration.ofSeconds(100), Duration.ofSeconds(4),
                Duration.ofSeconds(6), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(8),
                Duration.ofSeconds(60), 3, 2, 1, 1, 40, true, "auto");
    }

    /** The long run (not in CI): 30 minutes of faults by default. */
    public static ChaosProfile soak() {
        return new ChaosProfile("soak", 5, Duration.ofSeconds(20), Duration.ofMinutes(30), Duration.ofSeconds(5),
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(20),
                Duration.ofSeconds(120), 6, 3, 2, 1, 50, true, "auto");
    }

    /** Applies {@code chaos.duration} (seconds of faults), {@code chaos.nodes}, {@code chaos.netns} when set. */
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
                    p.subscribeConsumers, p.rate, p.idempotent, p.netns);
        }
        final String netns = System.getProperty("chaos.netns", "");
        if (!netns.isBlank()) {
            p = new ChaosProfile(p.name, p.nodes, p.warmup, p.faultPhase, p.minFault, p.maxFault, p.minGap, p.maxGap,
                    p.recovery, p.finalReadLimit, p.partitions, p.producers, p.assignConsumers, p.subscribeConsumers,
                    p.rate, p.idempotent, netns.strip());
        }
        return p;
    }

    public ChaosProfile withFaultPhase(final Duration d) {
        return new ChaosProfile(name, nodes, warmup, d, minFault, maxFault, minGap, maxGap, recovery, finalReadLimit,
                partitions, producers, assignConsumers, subscribeConsumers, rate, idempotent, netns);
    }
}
