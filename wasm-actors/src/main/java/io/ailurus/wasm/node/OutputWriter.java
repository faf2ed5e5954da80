package io.ailurus.wasm.node;

import io.ailurus.wasm.abi.OutputRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * Writes a batch's outputs to the output topics through the node's idempotent producer: an output goes to partition
 * (input partition mod the output topic's partition count), as Redpanda routes it, so one input partition's records
 * stay in order in each output.
 */
final class OutputWriter {

    private final Loopback kafka;
    private final ToIntFunction<String> partitionCount;

    OutputWriter(final Loopback kafka, final ToIntFunction<String> partitionCount) {
        this.kafka = kafka;
        this.partitionCount = partitionCount;
    }

    /** Completes once every output is acknowledged by all in-sync replicas. */
    CompletableFuture<Void> write(final List<String> topics, final int inputPartition,
                                  final List<OutputRecord> outputs) {
        if (outputs.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        final List<CompletableFuture<Void>> acks = new ArrayList<>(outputs.size());
        for (final OutputRecord out : outputs) {
            final String topic = topics.get(out.topicIndex());
            final int partitions = partitionCount.applyAsInt(topic);
            if (partitions <= 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("output topic " + topic
                        + " does not exist"));
            }
            final CompletableFuture<Void> ack = new CompletableFuture<>();
            kafka.producer().send(record(topic, inputPartition % partitions, out.payload()), (m, e) -> {
                if (e != null) {
                    ack.completeExceptionally(e);
                } else {
                    ack.complete(null);
                }
            });
            acks.add(ack);
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    /** A payload (key, value, headers; checked by the host when the guest wrote it) as a producer record. */
    static ProducerRecord<byte[], byte[]> record(final String topic, final int partition, final byte[] payload) {
        final ByteBuffer in = ByteBuffer.wrap(payload);
        final byte[] key = bytes(in);
        final byte[] value = bytes(in);
        final int count = ByteUtils.readVarint(in);
        final List<Header> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final byte[] name = bytes(in);
            headers.add(new RecordHeader(new String(name, StandardCharsets.UTF_8), bytes(in)));
        }
        return new ProducerRecord<>(topic, partition, null, key, value, headers);
    }

    private static byte[] bytes(final ByteBuffer in) {
        final int length = ByteUtils.readVarint(in);
        if (length < 0) {
            return null;
        }
        final byte[] b = new byte[length];
        in.get(b);
        return b;
    }
}
