package io.ailurus.chaos.history;

import java.util.List;
import java.util.Map;

/**
 * One line of the history: an invocation or its completion (both carry the same {@code id}). Fields that do not apply
 * to an op are -1 or empty. Times are nanoseconds since the run started (monotonic clock).
 *
 * @param id         shared by an invocation and its completion
 * @param process    the client that ran it; a client that is rebuilt after an error gets a new process number
 * @param partition  SEND: target partition
 * @param value      SEND: the unique value
 * @param offset     SEND completion: the offset the broker assigned, -1 if unknown
 * @param reads      POLL completion: records in the order the consumer returned them; TXN_TRANSFORM: the records
 *                   it copies; TXN_READ_*: the final read's records
 * @param partitions ASSIGN/SUBSCRIBE: the partitions; POLL completion: partitions whose assignment changed during it
 * @param endOffsets LIST_OFFSETS completion: partition → log end offset (high watermark) reported
 * @param error      completion: the exception's class and message when not ok
 * @param sends      TXN: the transaction's sends (partition, offset once acknowledged else -1, value)
 */
public record Op(long id, int process, OpType type, Fn f, long timeNs, int partition, long value, long offset,
        List<Read> reads, List<Integer> partitions, Map<Integer, Long> endOffsets, String error, List<Read> sends) {

    public Op {
        reads = List.copyOf(reads);
        partitions = List.copyOf(partitions);
        endOffsets = Map.copyOf(endOffsets);
        sends = List.copyOf(sends);
    }

    public static Op invoke(final long id, final int process, final Fn f, final long timeNs) {
        return new Op(id, process, OpType.INVOKE, f, timeNs, -1, -1, -1, List.of(), List.of(), Map.of(), null, List.of());
    }

    public Op withType(final OpType t) {
        return new Op(id, process, t, f, timeNs, partition, value, offset, reads, partitions, endOffsets, error, sends);
    }

    public Op withTime(final long ns) {
        return new Op(id, process, type, f, ns, partition, value, offset, reads, partitions, endOffsets, error, sends);
    }

    public Op withSend(final int p, final long v, final long o) {
        return new Op(id, process, type, f, timeNs, p, v, o, reads, partitions, endOffsets, error, sends);
    }

    public Op withReads(final List<Read> r) {
        return new Op(id, process, type, f, timeNs, partition, value, offset, r, partitions, endOffsets, error, sends);
    }

    public Op withPartitions(final List<Integer> ps) {
        return new Op(id, process, type, f, timeNs, partition, value, offset, reads, ps, endOffsets, error, sends);
    }

    public Op withEndOffsets(final Map<Integer, Long> ends) {
        return new Op(id, process, type, f, timeNs, partition, value, offset, reads, partitions, ends, error, sends);
    }

    public Op withError(final String e) {
        return new Op(id, process, type, f, timeNs, partition, value, offset, reads, partitions, endOffsets, e, sends);
    }

    public Op withSends(final List<Read> s) {
        return new Op(id, process, type, f, timeNs, partition, value, offset, reads, partitions, endOffsets, error, s);
    }
}
