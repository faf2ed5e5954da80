package io.ailurus.wasm.node;

import io.ailurus.wasm.abi.OutputRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * How the outputs of some input become idempotent batches: per output topic, the partition (input partition mod its
 * partition count, as Redpanda routes) and consecutive sequence numbers carrying on from the stored ones, cut into
 * batches of at most {@link #MAX_BATCH_BYTES}. Pure: the same outputs and sequences always give the same plan.
 */
record OutputPlan(List<Batch> batches, OutputSequences after) {

    /** Stays well below the default max.message.bytes (1 MiB) with the record overhead added. */
    static final int MAX_BATCH_BYTES = 512 * 1024;

    /** Records for one output partition, the first with sequence {@code baseSequence}. */
    record Batch(String topic, int partition, long producerId, int baseSequence, List<byte[]> payloads) {

        int lastSequence() {
            return baseSequence + payloads.size() - 1;
        }

        /** The records from sequence {@code firstSequence} on. */
        Batch from(final int firstSequence) {
            return new Batch(topic, partition, producerId, firstSequence,
                    payloads.subList(firstSequence - baseSequence, payloads.size()));
        }
    }

    static OutputPlan plan(final List<String> topics, final int inputPartition, final List<OutputRecord> outputs,
                           final OutputSequences before, final ToIntFunction<String> partitionCount) {
        final int[] partitions = before.partitions().clone();
        final int[] next = before.next().clone();
        final List<List<byte[]>> byTopic = new ArrayList<>(topics.size());
        for (int i = 0; i < topics.size(); i++) {
            byTopic.add(new ArrayList<>());
        }
        for (final OutputRecord out : outputs) {
            byTopic.get(out.topicIndex()).add(out.payload());
        }
        final List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < topics.size(); i++) {
            final List<byte[]> payloads = byTopic.get(i);
            if (payloads.isEmpty()) {
                continue;
            }
            final int count = partitionCount.applyAsInt(topics.get(i));
            if (count <= 0) {
                throw new IllegalStateException("output topic " + topics.get(i) + " does not exist");
            }
            final int partition = inputPartition % count;
            int sequence = before.nextFor(i, partition);
            int start = 0;
            int bytes = 0;
            for (int r = 0; r < payloads.size(); r++) {
                bytes += payloads.get(r).length;
                if (bytes >= MAX_BATCH_BYTES || r == payloads.size() - 1) {
                    batches.add(new Batch(topics.get(i), partition, before.producerId(), sequence,
                            payloads.subList(start, r + 1)));
                    sequence += r + 1 - start;
                    start = r + 1;
                    bytes = 0;
                }
            }
            partitions[i] = partition;
            next[i] = sequence;
        }
        return new OutputPlan(batches, new OutputSequences(before.producerId(), partitions, next));
    }
}
