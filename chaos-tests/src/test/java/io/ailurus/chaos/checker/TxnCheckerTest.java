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
import org.junit.jupiter.api.Test;

/**
 * The transactional workload's checks (A15–A18) on hand-written histories: one per anomaly (each must fail the run,
 * and only its row), and clean ones, with outcomes of every kind, that must pass.
 */
class TxnCheckerTest {

    private final Checker checker = new Checker();

    private Verdict check(final History h) {
        return checker.check(h, BrokerEvidence.none(), true);
    }

    private static void assertFailures(final Verdict v, final String... codes) {
        assertFalse(v.valid(), "the run must be invalid");
        assertEquals(List.of(codes), v.failures().stream().map(CheckResult::code).toList(), v::toString);
        for (final String code : codes) {
            assertTrue(v.result(code).anomalies().stream().allMatch(a -> a.code().equals(code)));
        }
    }

    /**
     * Committed {1, 2} (markers at 2 and 1), aborted on purpose {3}, info {4, 5} that did commit, info {6} that did
     * not; the loop copied {1, 2} (ok), {4} (info, it committed), {5} (first a failed copy, then an ok one).
     */
    private static HistoryBuilder clean() {
        return new HistoryBuilder()
                .txn(1, OpType.OK, r(0, 0, 1), r(1, 0, 2))
                .txn(2, OpType.FAIL, r(0, 3, 3))
                .txn(1, OpType.INFO, r(0, 5, 4), r(2, 0, 5))
                .txn(3, OpType.INFO, r(1, -1, 6))
                .copy(9, OpType.OK, r(0, 0, 1), r(1, 0, 2))
                .copy(9, OpType.INFO, r(0, 5, 4))
                .copy(9, OpType.FAIL, r(2, 0, 5))
                .copy(10, OpType.OK, r(2, 0, 5))
                .finalRead(Fn.TXN_READ_COMMITTED, r(0, 0, 1), r(0, 5, 4), r(1, 0, 2), r(2, 0, 5))
                .finalRead(Fn.TXN_READ_UNCOMMITTED, r(0, 0, 1), r(0, 3, 3), r(0, 5, 4), r(1, 0, 2), r(2, 0, 5))
                .finalRead(Fn.TXN_OUT_READ_COMMITTED, r(0, 0, 1), r(0, 2, 4), r(1, 0, 2), r(2, 0, 5))
                .finalRead(Fn.TXN_OUT_READ_UNCOMMITTED, r(0, 0, 1), r(0, 2, 4), r(1, 0, 2), r(2, 0, 5), r(2, 2, 5));
    }

    @Test
    void cleanHistoryIsValid() {
        final Verdict v = check(clean().build());
        assertTrue(v.valid(), v::toString);
        for (final String code : TxnHistory.CODES) {
            assertEquals(Status.PASS, v.result(code).status(), code);
        }
    }

    @Test
    void transactionsDoNotDisturbTheQueueChecks() {
        final History h = clean().ok(5, 0, 100, 0).assign(11, 0).poll(11, r(0, 0, 100)).build();
        assertTrue(check(h).valid(), () -> check(h).toString());
    }

    @Test
    void withoutTheWorkloadItsRowsAreNotChecked() {
        final Verdict v = check(new HistoryBuilder().ok(1, 0, 100, 0).poll(2, r(0, 0, 100)).build());
        assertTrue(v.valid());
        for (final String code : TxnHistory.CODES) {
            assertEquals(Status.NOT_CHECKED, v.result(code).status(), code);
        }
    }

    @Test
    void abortedValueInTheFinalReadCommittedRead() {
        final History h = clean().finalRead(Fn.TXN_READ_COMMITTED, r(0, 3, 3)).build();
        assertFailures(check(h), "A15");
    }

    @Test
    void abortedValueReadByTheTransformConsumer() {
        final History h = clean().copy(9, OpType.FAIL, r(0, 3, 3)).build();
        assertFailures(check(h), "A15");
    }

    @Test
    void valueOfAFailedTransactionCopiedToTheOutput() {
        // An unknown-outcome failure before the commit is still a failure: the producer never asked to commit.
        final History h = clean().txn(4, OpType.FAIL, r(1, 7, 7))
                .finalRead(Fn.TXN_OUT_READ_COMMITTED, r(1, 3, 7)).build();
        final Verdict v = check(h);
        assertFailures(v, "A15");
        assertEquals(2, v.result("A15").anomalies().size(), "read by the output, and no copy wrote it");
    }

    @Test
    void outputOnlyAnAbortedCopyWrote() {
        final History h = clean().txn(4, OpType.OK, r(1, 7, 7))
                .copy(9, OpType.FAIL, r(1, 7, 7))
                .copy(9, OpType.OK, r(1, 7, 7))
                .finalRead(Fn.TXN_READ_COMMITTED, r(1, 7, 7))
                .finalRead(Fn.TXN_OUT_READ_COMMITTED, r(1, 3, 7)).build();
        assertTrue(check(h).valid(), "an ok copy wrote it");
        final History aborted = clean().txn(4, OpType.OK, r(1, 7, 7))
                .copy(9, OpType.FAIL, r(1, 7, 7))
                .finalRead(Fn.TXN_READ_COMMITTED, r(1, 7, 7))
                .finalRead(Fn.TXN_OUT_READ_COMMITTED, r(1, 3, 7)).build();
        assertFailures(check(aborted), "A15");
    }

    @Test
    void partlyVisibleUnknownTransaction() {
        // Info {8, 9}: read_committed has 8 but not 9, though 9 is in the log.
        final History h = clean().txn(4, OpType.INFO, r(0, 8, 8), r(1, 8, 9))
                .copy(9, OpType.OK, r(0, 8, 8))
                .finalRead(Fn.TXN_READ_COMMITTED, r(0, 8, 8))
                .finalRead(Fn.TXN_READ_UNCOMMITTED, r(0, 8, 8), r(1, 8, 9))
                .finalRead(Fn.TXN_OUT_READ_COMMITTED, r(0, 4, 8)).build();
        final Verdict v = check(h);
        assertFailures(v, "A16");
        assertTrue(v.result("A16").anomalies().get(0).description().contains("read_uncommitted has [9]"),
                () -> v.result("A16").toString());
    }

    @Test
    void partlyVisibleCommittedTransactionIsAlsoALostWrite() {
        final History h = clean().txn(4, OpType.OK, r(0, 8, 8), r(1, 8, 9))
                .copy(9, OpType.OK, r(0, 8, 8))
                .finalRead(Fn.TXN_READ_COMMITTED, r(0, 8, 8))
                .finalRead(Fn.TXN_OUT_READ_COMMITTED, r(0, 4, 8)).build();
        assertFailures(check(h), "A16", "A17");
    }

    @Test
    void unknownTransactionMayBeAbsentEntirely() {
        final History h = clean().txn(4, OpType.INFO, r(0, 8, 8), r(1, 8, 9)).build();
        assertTrue(check(h).valid());
    }

    @Test
    void committedValueMissingFromTheFinalRead() {
        final History h = clean().txn(4, OpType.OK, r(2, 8, 8)).build();
        final Verdict v = check(h);
        assertFailures(v, "A17");
        assertTrue(v.result("A17").anomalies().get(0).description().contains("does not have it either"));
    }

    @Test
    void committedInputNeverCopied() {
        final History h = clean().txn(4, OpType.OK, r(2, 8, 8)).finalRead(Fn.TXN_READ_COMMITTED, r(2, 8, 8)).build();
        final Verdict v = check(h);
        assertFailures(v, "A17");
        assertTrue(v.result("A17").anomalies().get(0).description().contains("committed in the txn topic at [2/8]"));
    }

    @Test
    void valueAnOkCopyWroteMissingFromTheOutput() {
        final History h = clean().txn(4, OpType.OK, r(2, 8, 8)).copy(9, OpType.OK, r(2, 8, 8))
                .finalRead(Fn.TXN_READ_COMMITTED, r(2, 8, 8)).build();
        final Verdict v = check(h);
        assertFailures(v, "A17");
        assertEquals(1, v.result("A17").anomalies().size());
        assertTrue(v.result("A17").anomalies().get(0).description().contains("committed in the txn topic"));
    }

    @Test
    void valueReadCommittedByTheLoopThenGone() {
        // An unknown-outcome transaction the loop read (so it committed), absent from the final read: lost, and its
        // ok copy missing from the output too.
        final History h = clean().txn(4, OpType.INFO, r(2, 8, 8)).copy(9, OpType.OK, r(2, 8, 8)).build();
        final Verdict v = check(h);
        assertFailures(v, "A17");
        assertEquals(2, v.result("A17").anomalies().size(), () -> v.result("A17").toString());
        assertTrue(v.result("A17").anomalies().get(0).description().contains("read by the transform consumer"));
        assertTrue(v.result("A17").anomalies().get(1).description().contains("copied by committed transform"));
    }

    @Test
    void duplicateInTheTxnTopic() {
        final History h = clean().copy(10, OpType.FAIL, r(1, 4, 2)).build();   // 2 again, at another offset
        assertFailures(check(h), "A18");
    }

    @Test
    void rereadingTheSameRecordIsNoDuplicate() {
        final History h = clean().copy(10, OpType.FAIL, r(1, 0, 2)).finalRead(Fn.TXN_READ_COMMITTED, r(1, 0, 2))
                .build();
        assertTrue(check(h).valid());
    }

    @Test
    void copiedTwice() {
        final History h = clean().finalRead(Fn.TXN_OUT_READ_COMMITTED, r(1, 5, 2)).build();
        final Verdict v = check(h);
        assertFailures(v, "A18");
        assertTrue(v.result("A18").anomalies().get(0).description().contains("[1/0, 1/5]"));
    }

    @Test
    void lostAndIntermediateNeedTheFinalRead() {
        final History h = new HistoryBuilder().txn(1, OpType.OK, r(0, 0, 1)).build();
        final Verdict v = check(h);
        assertTrue(v.valid());
        assertEquals(Status.NOT_CHECKED, v.result("A16").status());
        assertEquals(Status.NOT_CHECKED, v.result("A17").status());
        assertEquals(Status.PASS, v.result("A15").status());
    }

    @Test
    void transactionsRoundTripThroughJsonl() {
        final History h = clean().build();
        for (final Op op : h.ops()) {
            assertEquals(op, HistoryJson.fromLine(HistoryJson.toLine(op)));
        }
        assertTrue(HistoryJson.toLine(h.ops().get(0)).contains("\"sends\":[[0,0,1],[1,0,2]]"));
    }
}
