package io.ailurus.wasm.node;

import io.ailurus.partition.log.LogSlice;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.wasm.abi.BatchHeader;
import io.ailurus.wasm.abi.InputBatch;
import io.ailurus.wasm.abi.InputRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * Reads committed input from the local leader's log as the guest receives it: one {@link InputBatch} per stored batch
 * (control batches left out), each record's payload laid out in one buffer per batch. Records of the first batch below
 * the offset asked for (already processed) are left out, and the header counts what is handed over. Blocking file
 * I/O: call it off any dispatcher.
 */
final class InputReader {

    private InputReader() {
    }

    static List<InputBatch> read(final ReplicaHandle replica, final long offset, final int maxBytes) {
        final LogSlice slice = replica.log().read(offset, maxBytes, replica.highWatermark());
        final List<InputBatch> batches = new ArrayList<>();
        for (final RecordBatch batch : slice.records().batches()) {
            if (batch.lastOffset() < offset || batch.isControlBatch()) {
                continue;
            }
            final InputBatch input = toInput(batch, offset);
            if (!input.records().isEmpty()) {
                batches.add(input);
            }
        }
        return batches;
    }

    private static InputBatch toInput(final RecordBatch batch, final long fromOffset) {
        final ByteBuffer payloads = ByteBuffer.allocate(Math.max(64, batch.sizeInBytes() * 4));
        final List<int[]> spans = new ArrayList<>();
        final List<long[]> meta = new ArrayList<>();
        ByteBuffer out = payloads;
        for (final Record r : batch) {
            if (r.offset() < fromOffset) {
                continue;
            }
            out = ensure(out, 32 + r.keySize() + Math.max(0, r.valueSize()) + headersSize(r.headers()));
            final int start = out.position();
            putBytes(out, r.key(), r.keySize());
            putBytes(out, r.value(), r.valueSize());
            ByteUtils.writeVarint(r.headers().length, out);
            for (final Header h : r.headers()) {
                final byte[] key = h.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ByteUtils.writeVarint(key.length, out);
                out.put(key);
                if (h.value() == null) {
                    ByteUtils.writeVarint(-1, out);
                } else {
                    ByteUtils.writeVarint(h.value().length, out);
                    out.put(h.value());
                }
            }
            spans.add(new int[] {start, out.position() - start});
            meta.add(new long[] {r.offset(), r.timestamp()});
        }
        final List<InputRecord> records = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            final ByteBuffer view = out.duplicate();
            view.limit(spans.get(i)[0] + spans.get(i)[1]).position(spans.get(i)[0]);
            records.add(new InputRecord(meta.get(i)[0], meta.get(i)[1], (byte) 0, view.slice()));
        }
        final long base = records.isEmpty() ? batch.baseOffset() : records.get(0).offset();
        final BatchHeader header = new BatchHeader(base, records.size(), batch.partitionLeaderEpoch(),
                attributes(batch), (int) (batch.lastOffset() - base),
                records.isEmpty() ? batch.maxTimestamp() : records.get(0).timestamp(), batch.maxTimestamp(),
                batch.producerId(), batch.producerEpoch(), batch.baseSequence());
        return new InputBatch(header, records);
    }

    /** The batch's attribute bits as stored: compression, timestamp type, transactional (never control here). */
    private static short attributes(final RecordBatch batch) {
        int bits = batch.compressionType().id & 0x07;
        if (batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME) {
            bits |= 0x08;
        }
        if (batch.isTransactional()) {
            bits |= 0x10;
        }
        return (short) bits;
    }

    private static int headersSize(final Header[] headers) {
        int size = 0;
        for (final Header h : headers) {
            size += 20 + h.key().length() * 3 + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    private static ByteBuffer ensure(final ByteBuffer out, final int more) {
        if (out.remaining() >= more) {
            return out;
        }
        final ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + more));
        out.flip();
        bigger.put(out);
        return bigger;
    }

    private static void putBytes(final ByteBuffer out, final ByteBuffer bytes, final int size) {
        if (bytes == null) {
            ByteUtils.writeVarint(-1, out);
            return;
        }
        ByteUtils.writeVarint(size, out);
        out.put(bytes.duplicate());
    }
}
