package io.ailurus.kafka.txn;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SortedSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.ByteBufferInputStream;

/**
 * The records of {@code __transaction_state}: key = the transactional id, value = its {@link TxnMetadata}. The newest
 * record per key wins when a coordinator replays its partition.
 *
 * <p>Our own format (not Apache Kafka's), versioned by a leading short so it can evolve; an unknown version fails the
 * load loudly rather than guessing.
 */
final class TransactionRecords {

    private static final short VERSION = 0;

    private TransactionRecords() {
    }

    static byte[] key(final String transactionalId) {
        return transactionalId.getBytes(StandardCharsets.UTF_8);
    }

    static String readKey(final ByteBuffer key) {
        return StandardCharsets.UTF_8.decode(key.duplicate()).toString();
    }

    static byte[] value(final TxnMetadata m) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * m.partitions().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(VERSION);
            out.writeLong(m.producerId());
            out.writeShort(m.producerEpoch());
            out.writeInt(m.timeoutMs());
            out.writeByte(m.state().ordinal());
            out.writeLong(m.startTimestampMs());
            out.writeLong(m.updateTimestampMs());
            out.writeInt(m.partitions().size());
            for (final TopicPartition tp : m.partitions()) {
                out.writeUTF(tp.topic());
                out.writeInt(tp.partition());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static TxnMetadata readValue(final String transactionalId, final ByteBuffer value) {
        try (DataInputStream in = new DataInputStream(new ByteBufferInputStream(value.duplicate()))) {
            final short version = in.readShort();
            if (version != VERSION) {
                throw new IllegalStateException("unknown __transaction_state value version " + version);
            }
            final long producerId = in.readLong();
            final short epoch = in.readShort();
            final int timeoutMs = in.readInt();
            final TxnState state = TxnState.values()[in.readByte()];
            final long start = in.readLong();
            final long update = in.readLong();
            final int count = in.readInt();
            final SortedSet<TopicPartition> partitions = TxnMetadata.noPartitions();
            for (int i = 0; i < count; i++) {
                partitions.add(new TopicPartition(in.readUTF(), in.readInt()));
            }
            return new TxnMetadata(transactionalId, producerId, epoch, timeoutMs, state, partitions, start, update);
        } catch (IOException e) {
            throw new IllegalStateException("undecodable __transaction_state value for " + transactionalId, e);
        }
    }
}
