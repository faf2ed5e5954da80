package io.ailurus.chaos.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Collects ops from every worker thread in one total order and streams them to {@code history.jsonl}, so that a run
 * that dies half-way still leaves its history behind.
 */
public final class HistoryRecorder implements AutoCloseable {

    private final long startNs;
    private final AtomicLong ids = new AtomicLong();
    private final List<Op> ops = new ArrayList<>();
    private final BufferedWriter out;

    public HistoryRecorder(final Path file, final long startNs) throws IOException {
        this.startNs = startNs;
        this.out = Files.newBufferedWriter(file);
    }

    public long nowNs() {
        return System.nanoTime() - startNs;
    }

    /** Records an invocation now and returns it; complete it with {@link #complete}. */
    public Op invoke(final int process, final Fn f) {
        return invoke(process, f, UnaryOperator.identity());
    }

    /** As {@link #invoke(int, Fn)}, with what the op is about to do (e.g. the partition and value of a send). */
    public Op invoke(final int process, final Fn f, final UnaryOperator<Op> details) {
        return record(details.apply(Op.invoke(ids.incrementAndGet(), process, f, 0)));
    }

    /** Records a completion built from its invocation (same id and process), stamped now. */
    public Op complete(final Op completion) {
        return record(completion);
    }

    private synchronized Op record(final Op op) {
        // Stamped under the lock so that history order and time order agree.
        final Op stamped = op.withTime(nowNs());
        ops.add(stamped);
        try {
            out.write(HistoryJson.toLine(stamped));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stamped;
    }

    public synchronized History history() {
        return new History(ops);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
