package io.ailurus.wasm.node;

import java.util.Arrays;
import java.util.Optional;

/**
 * The producer identity of one transform partition's outputs: its producer id (allocated once, stored before any
 * output is written) and, per output topic, the partition it writes and the sequence number of its next record there.
 * Stored with each committed input offset, so a replay after a crash gives every output record the sequence it had the
 * first time, and the output partition recognises what it already holds.
 *
 * @param partitions per output topic index, the output partition last written (-1: none yet)
 * @param next       per output topic index, the sequence of the next record to that partition
 */
record OutputSequences(long producerId, int[] partitions, int[] next) {

    private static final String FORMAT = "eos1";

    static OutputSequences fresh(final long producerId, final int outputs) {
        final int[] partitions = new int[outputs];
        Arrays.fill(partitions, -1);
        return new OutputSequences(producerId, partitions, new int[outputs]);
    }

    /** The first sequence of a record to {@code partition} of output {@code index}: a new partition starts at 0. */
    int nextFor(final int index, final int partition) {
        return partitions[index] == partition ? next[index] : 0;
    }

    /** As stored in the offset commit's metadata: {@code eos1 <pid> <partition>:<next> ...}. */
    String encode() {
        final StringBuilder s = new StringBuilder(FORMAT).append(' ').append(producerId);
        for (int i = 0; i < next.length; i++) {
            s.append(' ').append(partitions[i]).append(':').append(next[i]);
        }
        return s.toString();
    }

    /**
     * Reads what {@link #encode} stored; empty for anything else (nothing stored, or progress of a version that had
     * no output sequences) or when the transform now has a different number of outputs.
     */
    static Optional<OutputSequences> decode(final String metadata, final int outputs) {
        if (metadata == null) {
            return Optional.empty();
        }
        final String[] parts = metadata.trim().split(" ");
        if (parts.length != 2 + outputs || !parts[0].equals(FORMAT)) {
            return Optional.empty();
        }
        try {
            final long producerId = Long.parseLong(parts[1]);
            final int[] partitions = new int[outputs];
            final int[] next = new int[outputs];
            for (int i = 0; i < outputs; i++) {
                final String[] pair = parts[2 + i].split(":");
                partitions[i] = Integer.parseInt(pair[0]);
                next[i] = Integer.parseInt(pair[1]);
                if (pair.length != 2 || next[i] < 0 || partitions[i] < -1) {
                    return Optional.empty();
                }
            }
            return producerId < 0 ? Optional.empty() : Optional.of(new OutputSequences(producerId, partitions, next));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof OutputSequences s && s.producerId == producerId && Arrays.equals(s.partitions, partitions)
                && Arrays.equals(s.next, next);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(producerId) * 31 + Arrays.hashCode(next);
    }

    @Override
    public String toString() {
        return encode();
    }
}
