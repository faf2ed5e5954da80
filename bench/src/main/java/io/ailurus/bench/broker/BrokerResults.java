package io.ailurus.bench.broker;

import io.ailurus.bench.StorageInfo;
import java.util.List;

/** Everything measured on one broker, and the file system its data directory was on. */
record BrokerResults(BrokerKind kind, StorageInfo fileSystem, List<CaseResult> cases) {

    CaseResult find(final BenchCase benchCase) {
        return cases.stream().filter(c -> c.benchCase().equals(benchCase)).findFirst().orElse(null);
    }
}
