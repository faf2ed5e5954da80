package io.ailurus.tier.manifest;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The sparse index uploaded beside a segment: every {@code interval} bytes, a batch's base offset, its position in
 * the segment object, and the largest timestamp of the batches before it. A remote read ranges from the entry at or
 * below its offset, so it fetches at most one interval it does not need.
 */
public final class SegmentIndex {

    /** Bytes of segment between two entries. */
    public static final int DEFAULT_INTERVAL = 64 * 1024;
    private static final int ENTRY_BYTES = 8 + 4 + 8;

    private final long[] offsets;
    private final int[] positions;
    private final long[] maxTimestampsBefore;

    private SegmentIndex(final long[] offsets, final int[] positions, final long[] maxTimestampsBefore) {
        this.offsets = offsets;
        this.positions = positions;
        this.maxTimestampsBefore = maxTimestampsBefore;
    }

    public int entries() {
        return offsets.length;
    }

    /** The position to start reading for {@code offset}: the last entry at or below it (0 when none). */
    public int positionFor(final long offset) {
        final int i = floor(offsets, offset);
        return i < 0 ? 0 : positions[i];
    }

    /**
     * The position to start searching for the first record with a timestamp ≥ {@code timestamp}: the last entry all
     * of whose earlier batches are older.
     */
    public int positionForTimestamp(final long timestamp) {
        int found = 0;
        for (int i = 0; i < offsets.length && maxTimestampsBefore[i] < timestamp; i++) {
            found = positions[i];
        }
        return found;
    }

    private static int floor(final long[] sorted, final long key) {
        final int i = Arrays.binarySearch(sorted, key);
        return i >= 0 ? i : -i - 2;
    }

    public byte[] encode() {
        final ByteBuffer out = ByteBuffer.allocate(4 + offsets.length * ENTRY_BYTES);
        out.putInt(offsets.length);
        for (int i = 0; i < offsets.length; i++) {
            out.putLong(offsets[i]).putInt(positions[i]).putLong(maxTimestampsBefore[i]);
        }
        return out.array();
    }

    /** @throws IllegalArgumentException when the bytes are not an index */
    public static SegmentIndex decode(final byte[] bytes) {
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final int n = bytes.length >= 4 ? in.getInt() : -1;
        if (n < 0 || (long) n * ENTRY_BYTES != bytes.length - 4) {
            throw new IllegalArgumentException("not a segment index (" + bytes.length + " bytes)");
        }
        final long[] offsets = new long[n];
        final int[] positions = new int[n];
        final long[] timestamps = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = in.getLong();
            positions[i] = in.getInt();
            timestamps[i] = in.getLong();
        }
        return new SegmentIndex(offsets, positions, timestamps);
    }

    /** Collects entries while the uploader walks a segment's batches in order. */
    public static final class Builder {
        private final int interval;
        private long[] offsets = new long[16];
        private int[] positions = new int[16];
        private long[] timestamps = new long[16];
        private int size;
        private long nextEntryAt;
        private long maxTimestamp = -1;

        public Builder(final int interval) {
            this.interval = interval;
        }

        /** A batch at {@code position} (relative to the segment object's start). */
        public void onBatch(final long baseOffset, final int position, final int sizeBytes, final long batchMaxTimestamp) {
            if (position >= nextEntryAt) {
                if (size == offsets.length) {
                    offsets = Arrays.copyOf(offsets, size * 2);
                    positions = Arrays.copyOf(positions, size * 2);
                    timestamps = Arrays.copyOf(timestamps, size * 2);
                }
                offsets[size] = baseOffset;
                positions[size] = position;
                timestamps[size] = maxTimestamp;
                size++;
                nextEntryAt = (long) position + interval;
            }
            maxTimestamp = Math.max(maxTimestamp, batchMaxTimestamp);
        }

        public SegmentIndex build() {
            return new SegmentIndex(Arrays.copyOf(offsets, size), Arrays.copyOf(positions, size), Arrays.copyOf(timestamps, size));
        }
    }
}
