package io.ailurus.bench.txn;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.ConsumeResult;
import java.util.List;

/**
 * Everything measured on one broker, the file system its data was on, and what failed. A phase that failed or did
 * not run is null ({@code cleaner} also when the broker is not among --cleaner-brokers).
 */
record TxnResults(BrokerKind kind, StorageInfo fileSystem, TxnProduceResult produce, ConsumeResult consume,
        CleanerResult cleaner, List<String> failures) {
}
