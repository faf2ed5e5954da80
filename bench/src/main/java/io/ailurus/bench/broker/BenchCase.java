package io.ailurus.bench.broker;

/**
 * One workload configuration: the producer's acks ("1" or "all") and the topic's partition count. Each case gets its
 * own topic (replication factor 1) on each broker.
 */
record BenchCase(String acks, int partitions) {

    String topic() {
        return "bench-acks" + acks + "-p" + partitions;
    }

    @Override
    public String toString() {
        return "acks=" + acks + " p=" + partitions;
    }
}
