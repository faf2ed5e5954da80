package io.ailurus.wasm.node;

import io.ailurus.cluster.transform.TransformMetadata.BinaryRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Transform binaries, kept in the replicated internal topic {@value InternalTopics#BINARIES} (as Redpanda keeps them in
 * {@code wasm_binaries}): a binary is cut into chunks of {@value #CHUNK_BYTES} bytes, records keyed
 * {@code <id>/<index>}, because a Raft batch crosses the network whole. The controller keeps only a reference.
 */
final class BinaryStore {

    static final int CHUNK_BYTES = 512 * 1024;
    private static final TopicPartition PARTITION = new TopicPartition(InternalTopics.BINARIES, 0);
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private final Loopback kafka;
    private final InternalTopics topics;

    BinaryStore(final Loopback kafka, final InternalTopics topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    CompletableFuture<BinaryRef> put(final byte[] wasm) {
        return topics.ensure(InternalTopics.BINARIES, Map.of("retention.ms", "-1", "retention.bytes", "-1"))
                .thenCompose(ready -> send(wasm));
    }

    private CompletableFuture<BinaryRef> send(final byte[] wasm) {
        final String id = UUID.randomUUID().toString();
        final int chunks = Math.max(1, (wasm.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        final List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            final byte[] chunk = Arrays.copyOfRange(wasm, i * CHUNK_BYTES, Math.min(wasm.length, (i + 1) * CHUNK_BYTES));
            final CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
            kafka.producer().send(new ProducerRecord<>(PARTITION.topic(), 0, key(id, i), chunk), (m, e) -> {
                if (e != null) {
                    ack.completeExceptionally(e);
                } else {
                    ack.complete(m);
                }
            });
            sent.add(ack);
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                .thenApply(done -> new BinaryRef(id, sent.get(0).join().offset(), chunks, wasm.length, sha256(wasm)));
    }

    /** Reads a binary back (blocking: call it off any dispatcher) and checks it is the one deployed. */
    byte[] get(final BinaryRef ref) {
        final long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
        final byte[][] parts = new byte[ref.chunks()][];
        int found = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer()) {
            consumer.assign(List.of(PARTITION));
            consumer.seek(PARTITION, ref.offset());
            while (found < ref.chunks()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("binary " + ref.id() + " not readable from "
                            + InternalTopics.BINARIES + " within " + READ_DEADLINE.toSeconds() + " s");
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    final String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(ref.id() + "/")) {
                        final int index = Integer.parseInt(key.substring(ref.id().length() + 1));
                        if (index < parts.length && parts[index] == null) {
                            parts[index] = r.value();
                            found++;
                        }
                    }
                }
            }
        }
        final ByteArrayOutputStream whole = new ByteArrayOutputStream(ref.size());
        for (final byte[] part : parts) {
            whole.writeBytes(part);
        }
        final byte[] wasm = whole.toByteArray();
        if (wasm.length != ref.size() || !sha256(wasm).equals(ref.sha256())) {
            throw new IllegalStateException("binary " + ref.id() + " read back does not match what was deployed");
        }
        return wasm;
    }

    private static byte[] key(final String id, final int index) {
        return (id + "/" + index).getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(final byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
