package io.ailurus.chaos.checker;

import static io.ailurus.chaos.checker.HistoryBuilder.r;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.chaos.checker.CheckResult.Status;
import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.HistoryJson;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One hand-written history per anomaly (each must fail the run), and clean ones (each must pass). */
class CheckerTest {

    private final Checker checker = new Checker();

    private Verdict check(final History h) {
        return checker.check(h, BrokerEvidence.none(), true);
    }

    private static void assertOnlyFailure(final Verdict v, final String code) {
        assertFalse(v.valid(), "the run must be invalid");
        assertEquals(Status.FAIL, v.result(code).status(), () -> v.result(code).toString());
        assertFalse(v.result(code).anomalies().isEmpty());
        assertTrue(v.result(code).anomalies().stream().allMatch(a -> a.code().equals(code)));
    }

    /** Three acked sends, read in order by an assign consumer and a final read, plus failed and indeterminate sends. */
    private static HistoryBuilder clean() {
        return new HistoryBuilder()
                .assign(10, 0, 1)
                .ok(1, 0, 100, 0)
                .ok(2, 1, 200, 0)
                .poll(10, r(0, 0, 100))
                .ok(1, 0, 101, 1)
                .send(1, 0, 102, -1, OpType.FAIL)
                .send(2, 0, 103, -1, OpType.INFO)        // indeterminate, and in fact it happened
                .poll(10, r(0, 1, 101), r(1, 0, 200), r(0, 2, 103))
                .listOffsets(10, Map.of(0, 3L, 1, 1L));
    }

    @Test
    void cleanAssignHistoryIsValid() {
        final Verdict v = check(clean().build());
        assertTrue(v.valid(), v::toString);
        v.results().stream().filter(r -> !r.code().matches("A1[1-35-8]"))
                .forEach(r -> assertEquals(Status.PASS, r.status(), r::toString));
        assertEquals(Status.NOT_CHECKED, v.result("A11").status());
        assertEquals(Status.NOT_CHECKED, v.result("A15").status());   // no transactional workload
    }

    @Test
    void subscribeRewindIsAllowedButReported() {
        final History h = clean().subscribe(11, 0)
                .poll(11, r(0, 1, 101))
                .poll(11, r(0, 0, 100))   // handed back at an older committed offset by the group
                .build();
        final Verdict v = check(h);
        assertTrue(v.valid(), v::toString);
        assertEquals(Status.ALLOWED, v.result("A6s").status());
    }

    @Test
    void emptyHistoryIsValid() {
        assertTrue(check(new HistoryBuilder().build()).valid());
    }

    @Test
    void lostWrite() {
        final History h = clean().ok(1, 0, 104, 3).ok(1, 0, 105, 4)
                .assign(12, 0).poll(12, r(0, 0, 100), r(0, 1, 101), r(0, 2, 103)).poll(12, r(0, 4, 105))
                .build();
        assertOnlyFailureAmong(check(h), "A1", "A6");   // the reader also skipped 3: both rules see the hole
    }

    private static void assertOnlyFailureAmong(final Verdict v, final String code, final String... alsoAllowed) {
        assertOnlyFailure(v, code);
        final List<String> ok = List.of(alsoAllowed);
        v.failures().forEach(f -> assertTrue(f.code().equals(code) || ok.contains(f.code()), f::toString));
    }

    @Test
    void unseen() {
        assertOnlyFailureAmong(check(clean().ok(1, 1, 201, 1).build()), "A2");
    }

    @Test
    void inconsistentOffsets() {
        final History h = clean().ok(2, 1, 201, 1).poll(10, r(1, 1, 999)).build();
        assertOnlyFailureAmong(check(h), "A3", "A2");   // 201 was never read either
        assertEquals(2, check(h).result("A3").anomalies().get(0).opIds().size());
    }

    @Test
    void duplicateIsABugOnlyWithIdempotence() {
        final History h = clean().poll(10, r(0, 3, 101)).build();
        assertOnlyFailure(check(h), "A4");
        assertEquals(Status.ALLOWED, checker.check(h, BrokerEvidence.none(), false).result("A4").status());
    }

    @Test
    void abortedRead() {
        final History h = clean().poll(10, r(0, 3, 102)).build();
        assertOnlyFailureAmong(check(h), "A5");
    }

    @Test
    void pollSkipWithAssign() {
        final History h = clean().ok(1, 0, 104, 3).ok(1, 0, 105, 4)
                .poll(10, r(0, 4, 105))   // skips 3
                .poll(11, r(0, 3, 104))   // read by someone, so it is not lost
                .build();
        assertOnlyFailure(check(h), "A6");
    }

    @Test
    void nonmonotonicPollWithAssign() {
        final History h = clean().poll(10, r(0, 0, 100)).build();
        assertOnlyFailure(check(h), "A6");
    }

    @Test
    void reassignResetsThePosition() {
        final History h = clean().assign(10, 0).poll(10, r(0, 0, 100)).build();
        assertTrue(check(h).valid());
    }

    @Test
    void internalNonmonotonicPoll() {
        final History h = clean().assign(12, 0).poll(12, r(0, 1, 101), r(0, 0, 100)).build();
        assertOnlyFailure(check(h), "A7");
    }

    @Test
    void internalPollSkip() {
        final History h = clean().assign(12, 0).poll(12, r(0, 0, 100), r(0, 2, 103)).build();
        assertOnlyFailure(check(h), "A7");
    }

    @Test
    void nonmonotonicSend() {
        // Process 3 acked at offset 4 and later at 3; both read back, so nothing else is wrong.
        final History h = clean().ok(3, 0, 105, 4).ok(3, 0, 104, 3)
                .poll(10, r(0, 3, 104), r(0, 4, 105)).build();
        final Verdict v = check(h);
        assertEquals(Status.FAIL, v.result("A8").status());
    }

    @Test
    void realtimeOrder() {
        // Two producers: 4 acked at offset 4, after that 5 was invoked and landed at 3.
        final History h = clean().ok(4, 0, 105, 4).ok(5, 0, 104, 3)
                .poll(10, r(0, 3, 104), r(0, 4, 105)).build();
        final Verdict v = check(h);
        assertOnlyFailure(v, "A9");
    }

    @Test
    void concurrentSendsMayLandInEitherOrder() {
        final HistoryBuilder b = clean();
        final long a = b.nextId();
        final long c = b.nextId();
        final Op sa = Op.invoke(a, 4, Fn.SEND, 1_000).withSend(0, 104, -1);
        final Op sc = Op.invoke(c, 5, Fn.SEND, 1_001).withSend(0, 105, -1);
        b.raw(sa).raw(sc)
                .raw(sa.withType(OpType.OK).withTime(1_002).withSend(0, 104, 4))
                .raw(sc.withType(OpType.OK).withTime(1_003).withSend(0, 105, 3))
                .poll(10, r(0, 3, 105), r(0, 4, 104));
        assertTrue(check(b.build()).valid(), () -> check(b.build()).toString());
    }

    @Test
    void offsetRegression() {
        final History h = clean().listOffsets(10, Map.of(0, 1L)).build();   // offset 1 was acked before
        assertOnlyFailure(check(h), "A10");
    }

    @Test
    void brokerEvidencePlugsIn() {
        final var logs = Map.of(
                1, Map.of(0, new BrokerEvidence.ReplicaLog(List.of(100L, 101L), 2)),
                2, Map.of(0, new BrokerEvidence.ReplicaLog(List.of(100L, 999L), 2)));
        final var leaders = List.of(new BrokerEvidence.LeaderEvent(0, 3, 1), new BrokerEvidence.LeaderEvent(0, 3, 2));
        final var commits = List.of(new BrokerEvidence.CommitEvent(1, 0, 5), new BrokerEvidence.CommitEvent(1, 0, 4));
        final BrokerEvidence e = new BrokerEvidence(Map.of(1, List.of("ok", "java.lang.AssertionError: hwm")),
                List.of(), Optional.of(logs), Optional.of(leaders), Optional.of(commits));
        final Verdict v = checker.check(clean().build(), e, true);
        for (final String code : List.of("A11", "A12", "A13", "A14")) {
            assertEquals(Status.FAIL, v.result(code).status(), code);
        }
    }

    @Test
    void replicasAgreeFromTheHighestLogStartUp() {
        // Tiered: node 1's local retention deleted offsets 0-1 (NO_VALUE there), node 2 still holds them.
        final var agree = Map.of(
                1, Map.of(0, new BrokerEvidence.ReplicaLog(List.of(-1L, -1L, 102L, 103L), 4, 2)),
                2, Map.of(0, new BrokerEvidence.ReplicaLog(List.of(100L, 101L, 102L, 103L), 4, 0)));
        assertEquals(Status.PASS, BrokerChecks.divergence(agree).status());
        final var differ = Map.of(
                1, Map.of(0, new BrokerEvidence.ReplicaLog(List.of(-1L, -1L, 102L, 103L), 4, 2)),
                2, Map.of(0, new BrokerEvidence.ReplicaLog(List.of(100L, 101L, 102L, 999L), 4, 0)));
        assertEquals(Status.FAIL, BrokerChecks.divergence(differ).status());
    }

    @Test
    void unexpectedExitIsACrash() {
        final Verdict v = checker.check(clean().build(), BrokerEvidence.ofLogs(Map.of(), List.of("node 1 exited 1")), true);
        assertOnlyFailure(v, "A14");
    }

    @Test
    void historyRoundTripsThroughJsonl() {
        final History h = clean().build();
        for (final Op op : h.ops()) {
            assertEquals(op, HistoryJson.fromLine(HistoryJson.toLine(op)));
        }
        final Op weird = Op.invoke(1, 2, Fn.SEND, 3).withType(OpType.INFO).withError("a \"quoted\"\nline\\");
        assertEquals(weird, HistoryJson.fromLine(HistoryJson.toLine(weird)));
    }
}
