package io.ailurus.chaos.nemesis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The faults of a run, fixed up front from a seed: the same seed, kinds and timings give the same schedule, so a
 * failing run can be replayed. Every kind appears once (in a shuffled order) before any appears twice.
 */
public record Schedule(long seed, List<Step> steps) {

    /** Start {@code fault} {@code atMs} after the workload started; heal it {@code durationMs} later. */
    public record Step(long atMs, long durationMs, Fault fault) {
    }

    /** Timing knobs: faults last [minFaultMs, maxFaultMs], then [minGapMs, maxGapMs] of calm. */
    public record Timing(long startMs, long endMs, long minFaultMs, long maxFaultMs, long minGapMs, long maxGapMs) {
    }

    /** How an unavailable bucket answers: S3's throttling answer, an internal error, or a reset connection. */
    static final List<String> UNAVAILABLE_MODES = List.of("503", "500", "reset");
    /** A slow bucket holds each request this long (ms) before forwarding it. */
    static final long SLOW_MIN_MS = 2_000;
    static final long SLOW_MAX_MS = 5_000;

    public Schedule {
        steps = List.copyOf(steps);
    }

    public static Schedule generate(final long seed, final List<Fault.Kind> kinds, final int nodes, final Timing t) {
        final Random rnd = new Random(seed);
        final List<Step> steps = new ArrayList<>();
        long at = t.startMs();
        final List<Fault.Kind> round = new ArrayList<>();
        while (!kinds.isEmpty()) {
            if (round.isEmpty()) {
                round.addAll(kinds);
                Collections.shuffle(round, rnd);
            }
            final long duration = between(rnd, t.minFaultMs(), t.maxFaultMs());
            if (at + duration > t.endMs()) {
                break;
            }
            steps.add(new Step(at, duration, fault(round.remove(0), nodes, rnd)));
            at += duration + between(rnd, t.minGapMs(), t.maxGapMs());
        }
        return new Schedule(seed, steps);
    }

    private static long between(final Random rnd, final long lo, final long hi) {
        return hi <= lo ? lo : lo + (long) (rnd.nextDouble() * (hi - lo));
    }

    static Fault fault(final Fault.Kind kind, final int n, final Random rnd) {
        final List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            all.add(i);
        }
        Collections.shuffle(all, rnd);
        final List<Integer> one = List.of(all.get(0));
        final List<Integer> majority = List.copyOf(all.subList(0, n / 2 + 1));
        final List<Integer> minority = List.copyOf(all.subList(0, n / 2));
        return switch (kind) {
            case KILL_ONE -> new Fault.Kill(kind, one);
            case KILL_MAJORITY -> new Fault.Kill(kind, sorted(majority));
            case PAUSE_ONE -> new Fault.Pause(kind, one);
            case POWER_LOSS -> new Fault.PowerLoss(kind, one);
            case ISOLATE_ONE -> new Fault.Partition(kind, one, Grudges.isolate(one, n));
            case ISOLATE_LEADER -> new Fault.Partition(kind, List.of(), List.of());   // leader known only at run time
            case SPLIT -> new Fault.Partition(kind, sorted(minority), Grudges.isolate(minority, n));
            case RING -> new Fault.Partition(kind, List.of(), Grudges.ring(n));
            case S3_UNAVAILABLE -> new Fault.ObjectStore(kind,
                    UNAVAILABLE_MODES.get(rnd.nextInt(UNAVAILABLE_MODES.size())), 0);
            case S3_SLOW -> new Fault.ObjectStore(kind, "delay", between(rnd, SLOW_MIN_MS, SLOW_MAX_MS));
        };
    }

    private static List<Integer> sorted(final List<Integer> l) {
        return l.stream().sorted().toList();
    }

    /** {@code schedule.txt}: the seed, then one step per line. */
    public void write(final Path file, final String header) throws IOException {
        Files.writeString(file, header + "\n" + render());
    }

    /** The seed, then one step per line. */
    public String render() {
        final String body = steps.stream()
                .map(s -> String.format("%8d ms +%6d ms  %-7s %s", s.atMs(), s.durationMs(), s.fault().kind().row,
                        s.fault().describe()))
                .collect(Collectors.joining("\n"));
        return "seed=" + seed + "\n" + body + "\n";
    }
}
