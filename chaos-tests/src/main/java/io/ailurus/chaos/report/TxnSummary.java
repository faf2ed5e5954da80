package io.ailurus.chaos.report;

import java.util.List;
import java.util.Map;

/**
 * The transactional workload's outcome (Jepsen's txn workload): transactional producers wrote 1–4 values per
 * transaction to the txn topic, committing most and aborting some on purpose, and a read_committed consume-transform-
 * produce loop copied what it read to the output topic, exactly once, committing its offsets in each transaction.
 * The anomalies themselves are rows A15–A18 of the verdict; this is the run's account of the workload.
 *
 * @param transactions  the producers' transactions (ok = committed, fail = aborted, info = commit outcome unknown)
 * @param plannedAborts of the failed ones, those aborted on purpose
 * @param values        values sent in transactions, by the transaction's outcome
 * @param copies        the transform loop's transactions, by outcome
 * @param copiedValues  values the ok transform transactions copied
 * @param finalReads    the four final reads (both topics, both isolation levels)
 * @param drained       whether the transform loop had committed offsets past every value of the final read_committed
 *                      read of the txn topic before it stopped
 * @param anomalies     each transactional anomaly row ({@code A15 aborted read (G1a)} …) → how many
 * @param problems      what went wrong running the workload itself (topics, fencing, final reads, drain)
 */
public record TxnSummary(String topic, String outputTopic, int producers, Outcomes transactions, int plannedAborts,
        Outcomes values, Outcomes copies, long copiedValues, List<FinalRead> finalReads, boolean drained,
        Map<String, Integer> anomalies, List<String> problems) {

    public TxnSummary {
        finalReads = List.copyOf(finalReads);
        anomalies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(anomalies));   // row order
        problems = List.copyOf(problems);
    }

    /** Ops (or values) by outcome. */
    public record Outcomes(long ok, long fail, long info) {
    }

    /**
     * One final read: records read from every partition's beginning to {@code ends} (the last stable offsets for
     * read_committed), or not complete; {@code lastRecords}: per partition, the offset of the last record read (a
     * partition's end is a marker's offset + 1).
     */
    public record FinalRead(String topic, String isolation, boolean complete, long records, Map<Integer, Long> ends,
            Map<Integer, Long> lastRecords, long tookMs) {

        public FinalRead {
            ends = Map.copyOf(ends);
            lastRecords = Map.copyOf(lastRecords);
        }
    }

    /** The workload ran to its end: every final read complete, the loop drained, no problem. */
    public boolean complete() {
        return drained && problems.isEmpty() && finalReads.stream().allMatch(FinalRead::complete);
    }
}
