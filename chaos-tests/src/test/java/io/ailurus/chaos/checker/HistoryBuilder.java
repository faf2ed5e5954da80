package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.Op;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-written histories: every op is invoked and completed at once, one time unit apart. */
final class HistoryBuilder {

    private final List<Op> ops = new ArrayList<>();
    private long id;
    private long t;

    HistoryBuilder send(final int process, final int partition, final long value, final long offset, final OpType type) {
        final Op inv = Op.invoke(++id, process, Fn.SEND, t++).withSend(partition, value, -1);
        ops.add(inv);
        ops.add(inv.withType(type).withTime(t++).withSend(partition, value, type == OpType.OK ? offset : -1)
                .withError(type == OpType.OK ? null : "boom"));
        return this;
    }

    HistoryBuilder ok(final int process, final int partition, final long value, final long offset) {
        return send(process, partition, value, offset, OpType.OK);
    }

    /** Reads as {partition, offset, value} triples. */
    HistoryBuilder poll(final int process, final long[]... reads) {
        final Op inv = Op.invoke(++id, process, Fn.POLL, t++);
        final List<Read> rs = new ArrayList<>();
        for (final long[] r : reads) {
            rs.add(new Read((int) r[0], r[1], r[2]));
        }
        ops.add(inv);
        ops.add(inv.withType(OpType.OK).withTime(t++).withReads(rs));
        return this;
    }

    HistoryBuilder assign(final int process, final Integer... partitions) {
        return membership(process, Fn.ASSIGN, partitions);
    }

    HistoryBuilder subscribe(final int process, final Integer... partitions) {
        return membership(process, Fn.SUBSCRIBE, partitions);
    }

    private HistoryBuilder membership(final int process, final Fn f, final Integer... partitions) {
        final Op inv = Op.invoke(++id, process, f, t++).withPartitions(List.of(partitions));
        ops.add(inv);
        ops.add(inv.withType(OpType.OK).withTime(t++));
        return this;
    }

    HistoryBuilder listOffsets(final int process, final Map<Integer, Long> ends) {
        final Op inv = Op.invoke(++id, process, Fn.LIST_OFFSETS, t++);
        ops.add(inv);
        ops.add(inv.withType(OpType.OK).withTime(t++).withEndOffsets(ends));
        return this;
    }

    /** A transaction of the txn workload, its sends as {partition, offset, value} triples. */
    HistoryBuilder txn(final int process, final OpType type, final long[]... sends) {
        final List<Read> rs = triples(sends);
        final Op inv = Op.invoke(++id, process, Fn.TXN, t++).withSends(rs);
        ops.add(inv);
        ops.add(inv.withType(type).withTime(t++).withError(type == OpType.OK ? null : "boom"));
        return this;
    }

    /** A copy of the txn workload's transform loop: what its poll read, copied with outcome {@code type}. */
    HistoryBuilder copy(final int process, final OpType type, final long[]... reads) {
        final Op inv = Op.invoke(++id, process, Fn.TXN_TRANSFORM, t++).withReads(triples(reads));
        ops.add(inv);
        ops.add(inv.withType(type).withTime(t++).withError(type == OpType.OK ? null : "boom"));
        return this;
    }

    /** One poll of a final read ({@code f} one of the TXN_*READ_* functions). */
    HistoryBuilder finalRead(final Fn f, final long[]... reads) {
        final Op inv = Op.invoke(++id, 3_000_000, f, t++);
        ops.add(inv);
        ops.add(inv.withType(OpType.OK).withTime(t++).withReads(triples(reads)));
        return this;
    }

    private static List<Read> triples(final long[]... triples) {
        final List<Read> rs = new ArrayList<>();
        for (final long[] r : triples) {
            rs.add(new Read((int) r[0], r[1], r[2]));
        }
        return rs;
    }

    /** Adds raw ops (for interleavings the helpers above cannot express). */
    HistoryBuilder raw(final Op op) {
        ops.add(op);
        return this;
    }

    long nextId() {
        return ++id;
    }

    History build() {
        return new History(ops);
    }

    static long[] r(final long partition, final long offset, final long value) {
        return new long[] {partition, offset, value};
    }
}
