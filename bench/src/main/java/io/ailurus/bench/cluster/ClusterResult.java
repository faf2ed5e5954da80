package io.ailurus.bench.cluster;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.LatencyResult;
import io.ailurus.bench.broker.ProduceResult;

/** One system's figures; a phase that did not run is null, and {@code failure} says why the run stopped, if it did. */
record ClusterResult(BrokerKind kind, StorageInfo fileSystem, ProduceResult produce, LatencyResult latency,
        FailoverResult failover, String failure) {
}
