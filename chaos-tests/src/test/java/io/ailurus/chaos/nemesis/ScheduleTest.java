package io.ailurus.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final Schedule.Timing TIMING = new Schedule.Timing(10_000, 130_000, 5_000, 8_000, 4_000, 7_000);
    private static final List<Fault.Kind> ALL = List.of(Fault.Kind.values());

    @Test
    void sameSeedSameSchedule() {
        assertEquals(Schedule.generate(7, ALL, 5, TIMING), Schedule.generate(7, ALL, 5, TIMING));
        assertNotEquals(Schedule.generate(7, ALL, 5, TIMING), Schedule.generate(8, ALL, 5, TIMING));
    }

    @Test
    void everyKindOnceBeforeAnyTwiceAndWithinTheWindow() {
        final Schedule s = Schedule.generate(3, ALL, 3, new Schedule.Timing(0, 400_000, 5_000, 8_000, 4_000, 7_000));
        final Set<Fault.Kind> first = s.steps().subList(0, ALL.size()).stream().map(st -> st.fault().kind())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Fault.Kind.class)));
        assertEquals(EnumSet.allOf(Fault.Kind.class), first);
        s.steps().forEach(st -> assertTrue(st.atMs() + st.durationMs() <= 400_000));
    }

    @Test
    void targetsAreAmongTheNodes() {
        for (final Schedule.Step st : Schedule.generate(11, ALL, 5, TIMING).steps()) {
            st.fault().targets().forEach(t -> assertTrue(t >= 1 && t <= 5, st.toString()));
            if (st.fault().kind() == Fault.Kind.KILL_MAJORITY) {
                assertEquals(3, st.fault().targets().size());
            }
        }
    }

    @Test
    void objectStoreFaultsAreSeededAndWithinTheirRanges() {
        final List<Fault.Kind> bucket = List.of(Fault.Kind.S3_UNAVAILABLE, Fault.Kind.S3_SLOW);
        final Schedule.Timing t = new Schedule.Timing(0, 600_000, 8_000, 14_000, 4_000, 8_000);
        assertEquals(Schedule.generate(5, bucket, 3, t), Schedule.generate(5, bucket, 3, t));
        final Schedule s = Schedule.generate(5, bucket, 3, t);
        assertEquals(Set.copyOf(bucket), s.steps().subList(0, 2).stream().map(st -> st.fault().kind())
                .collect(Collectors.toSet()), "both kinds before either repeats");
        final Set<String> modes = new java.util.HashSet<>();
        for (final Schedule.Step st : s.steps()) {
            final Fault.ObjectStore f = (Fault.ObjectStore) st.fault();
            assertTrue(f.targets().isEmpty());
            if (f.kind() == Fault.Kind.S3_SLOW) {
                assertTrue(f.delayMs() >= Schedule.SLOW_MIN_MS && f.delayMs() <= Schedule.SLOW_MAX_MS, f.toString());
            } else {
                assertTrue(Schedule.UNAVAILABLE_MODES.contains(f.mode()), f.toString());
                modes.add(f.mode());
            }
        }
        assertEquals(Set.copyOf(Schedule.UNAVAILABLE_MODES), modes, "every way of being unavailable shows up");
    }

    @Test
    void grudges() {
        assertEquals(List.of(List.of(1, 2), List.of(2, 3)), Grudges.isolate(List.of(2), 3));
        assertEquals(List.of(List.of(1, 3)), Grudges.ring(3));   // three nodes: a bridge through n2
        assertEquals(List.of(List.of(1, 3), List.of(1, 4), List.of(2, 4), List.of(2, 5), List.of(3, 5)), Grudges.ring(5));
    }
}
