package io.ailurus.partition.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A sparse, ordered map from a long key to an int value, used twice per segment: relative offset → file position
 * (the offset index) and timestamp → relative offset (the time index). Both keys and values only grow, so a lookup is
 * a binary search.
 *
 * <p>Entries live in memory and are written to the index file when the segment is sealed or the log closes cleanly;
 * after a crash the active segment's index is rebuilt from its batches, so a write per entry would buy nothing.
 *
 * <p>Threading: one writer; readers on any thread. The writer publishes a grown array before the count that covers
 * it, and truncation swaps in fresh arrays, so a reader that reads {@code count} first sees consistent entries.
 */
final class SparseIndex {

    /** On disk: big-endian (key long, value int) pairs. */
    static final int ENTRY_BYTES = Long.BYTES + Integer.BYTES;

    private volatile long[] keys;
    private volatile int[] values;
    private volatile int count;

    SparseIndex() {
        this(new long[16], new int[16], 0);
    }

    private SparseIndex(final long[] keys, final int[] values, final int count) {
        this.keys = keys;
        this.values = values;
        this.count = count;
    }

    int size() {
        return count;
    }

    long lastKey() {
        final int n = count;
        return n == 0 ? Long.MIN_VALUE : keys[n - 1];
    }

    int lastValue() {
        final int n = count;
        return n == 0 ? -1 : values[n - 1];
    }

    long keyAt(final int i) {
        return keys[i];
    }

    int valueAt(final int i) {
        return values[i];
    }

    /** Adds an entry; keys must strictly grow and values must not shrink. */
    void append(final long key, final int value) {
        final int n = count;
        if (n > 0 && (key <= keys[n - 1] || value < values[n - 1])) {
            throw new IllegalArgumentException("index entries must grow: (" + key + ", " + value + ") after ("
                    + keys[n - 1] + ", " + values[n - 1] + ")");
        }
        if (n == keys.length) {
            values = Arrays.copyOf(values, n * 2);
            keys = Arrays.copyOf(keys, n * 2);
        }
        keys[n] = key;
        values[n] = value;
        count = n + 1;
    }

    /** Index of the last entry whose key is ≤ {@code key}, or -1. */
    int floorByKey(final long key) {
        final int n = count;
        final long[] k = keys;
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (k[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    /** Index of the last entry whose value is ≤ {@code value}, or -1. */
    int floorByValue(final int value) {
        final int n = count;
        final int[] v = values;
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (v[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    /** Keeps only the first {@code entries} entries. Fresh arrays, so concurrent readers keep a consistent view. */
    void truncateTo(final int entries) {
        if (entries >= count) {
            return;
        }
        // Same capacity: a reader still holding the old count indexes the copy safely and sees the old entries.
        values = Arrays.copyOf(values, values.length);
        keys = Arrays.copyOf(keys, keys.length);
        count = entries;
    }

    void clear() {
        truncateTo(0);
    }

    /** Writes all entries to {@code file} and fsyncs it. */
    void writeTo(final Path file) throws IOException {
        final int n = count;
        final ByteBuffer buf = ByteBuffer.allocate(n * ENTRY_BYTES);
        for (int i = 0; i < n; i++) {
            buf.putLong(keys[i]).putInt(values[i]);
        }
        buf.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /**
     * Loads an index file, or returns null when it is missing or fails the sanity checks (whole entries, growing keys
     * and values, values below {@code valueLimit}), in which case the caller rebuilds it from the segment.
     */
    static SparseIndex load(final Path file, final long valueLimit) throws IOException {
        final byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (bytes.length % ENTRY_BYTES != 0) {
            return null;
        }
        final int n = bytes.length / ENTRY_BYTES;
        final ByteBuffer buf = ByteBuffer.wrap(bytes);
        final SparseIndex index = new SparseIndex(new long[Math.max(16, n)], new int[Math.max(16, n)], 0);
        for (int i = 0; i < n; i++) {
            final long key = buf.getLong();
            final int value = buf.getInt();
            if (value < 0 || value >= valueLimit || (i > 0 && (key <= index.keys[i - 1] || value < index.values[i - 1]))) {
                return null;
            }
            index.keys[i] = key;
            index.values[i] = value;
        }
        index.count = n;
        return index;
    }
}
