package io.ailurus.bench.broker;

import java.util.List;

/** Everything measured on one broker, and the file system its data directory was on. */
record BrokerResults(BrokerKind kind, FileSystemInfo fileSystem, List<CaseResult> cases) {

    CaseResult find(final BenchCase benchCase) {
        return cases.stream().filter(c -> c.benchCase().equals(benchCase)).findFirst().orElse(null);
    }
}
