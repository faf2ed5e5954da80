package io.ailurus.wasm.abi;

import java.util.List;

/** A batch handed to the guest in one {@code read_batch_header}: its header and its records in offset order. */
public record InputBatch(BatchHeader header, List<InputRecord> records) {

    public InputBatch {
        records = List.copyOf(records);
    }

    /** The largest payload, which {@code read_batch_header} returns so the guest can size one input buffer. */
    public int largestPayload() {
        int max = 0;
        for (final InputRecord r : records) {
            max = Math.max(max, r.payload().remaining());
        }
        return max;
    }

    public long lastOffset() {
        return header.baseOffset() + header.lastOffsetDelta();
    }
}
