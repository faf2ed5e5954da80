package io.ailurus.partition.log;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The newest offset of each key a compaction pass has seen, in fixed memory: keys are known by a 128-bit MD5 digest
 * (as Kafka's cleaner does; a collision, which would let one key's newer record remove another's, is not a practical
 * concern at 2^-128 per pair), in an open-addressing table sized once for the cleaner's {@code max-keys} (it grows
 * only when one segment alone holds more keys). Nothing is allocated per key, so a pass over millions of records
 * leaves no garbage behind. Not thread-safe: the cleaner's.
 */
final class KeyOffsetMap {

    private static final long EMPTY = -1;

    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private long[] high;
    private long[] low;
    private long[] offsets;
    private int mask;
    private int size;

    KeyOffsetMap(final int maxKeys) {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
        final int slots = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, maxKeys * 2L)) - 1) << 1;
        high = new long[slots];
        low = new long[slots];
        offsets = new long[slots];
        mask = slots - 1;
        clear();
    }

    void clear() {
        Arrays.fill(offsets, EMPTY);
        size = 0;
    }

    int size() {
        return size;
    }

    /** Records {@code offset} as the key's newest (the pass reads in offset order). Consumes {@code key}'s remaining bytes. */
    void put(final ByteBuffer key, final long offset) {
        final int slot = find(key);
        if (offsets[slot] != EMPTY) {
            offsets[slot] = offset;
            return;
        }
        high[slot] = hashHigh();
        low[slot] = hashLow();
        offsets[slot] = offset;
        if (++size > offsets.length * 3L / 4) {
            grow();
        }
    }

    private void grow() {
        final long[] oldHigh = high;
        final long[] oldLow = low;
        final long[] oldOffsets = offsets;
        high = new long[oldOffsets.length * 2];
        low = new long[high.length];
        offsets = new long[high.length];
        Arrays.fill(offsets, EMPTY);
        mask = high.length - 1;
        for (int i = 0; i < oldOffsets.length; i++) {
            if (oldOffsets[i] != EMPTY) {
                int slot = slotOf(oldLow[i]);
                while (offsets[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                high[slot] = oldHigh[i];
                low[slot] = oldLow[i];
                offsets[slot] = oldOffsets[i];
            }
        }
    }

    private int slotOf(final long lowBits) {
        return (int) (lowBits ^ (lowBits >>> 32)) & mask;
    }

    /** The key's newest offset, or -1 when the pass has not seen it. Consumes {@code key}'s remaining bytes. */
    long get(final ByteBuffer key) {
        return offsets[find(key)];
    }

    /** The slot holding the key's digest, or the empty slot where it would go. */
    private int find(final ByteBuffer key) {
        md5.update(key);
        try {
            md5.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        final long h = hashHigh();
        final long l = hashLow();
        int slot = slotOf(l);
        while (offsets[slot] != EMPTY && (high[slot] != h || low[slot] != l)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private long hashHigh() {
        return bytesToLong(0);
    }

    private long hashLow() {
        return bytesToLong(8);
    }

    private long bytesToLong(final int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (digest[i] & 0xFF);
        }
        return v;
    }
}
