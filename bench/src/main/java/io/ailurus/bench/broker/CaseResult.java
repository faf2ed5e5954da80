package io.ailurus.bench.broker;

/**
 * The figures of one case on one broker. A phase that failed (or did not run because an earlier one failed) is
 * null, and {@code failure} says why.
 */
record CaseResult(BenchCase benchCase, ProduceResult produce, ConsumeResult consume, LatencyResult latency,
        String failure) {
}
