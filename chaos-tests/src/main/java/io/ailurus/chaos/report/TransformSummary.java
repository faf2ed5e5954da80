package io.ailurus.chaos.report;

import java.util.List;

/**
 * The transform workload's outcome: an identity transform (built with Redpanda's Go SDK) copied the workload topic to
 * an output topic through all the faults; every acknowledged send's value must be there, and every input record's
 * output exactly once (as often as the value is in the input).
 *
 * @param acked      values whose send was acknowledged
 * @param outputs    records read from the output topic
 * @param missing    acknowledged values absent from the output (the first few)
 * @param missingCount how many acknowledged values are absent
 * @param duplicates output records beyond the number of input records of their value
 * @param problems   what went wrong running the workload itself (deploy, read)
 */
public record TransformSummary(int acked, long outputs, List<Long> missing, int missingCount, long duplicates,
        List<String> problems) {

    public boolean complete() {
        return missingCount == 0 && duplicates == 0 && problems.isEmpty();
    }
}
