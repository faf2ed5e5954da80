package io.ailurus.wasm.runtime;

import io.ailurus.wasm.abi.InputBatch;
import io.ailurus.wasm.abi.InputRecord;
import io.ailurus.wasm.abi.OutputRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The state the host functions of one VM share, touched only on the guest's thread except for the inbox: the batch
 * being read (and how far), the records written for it, the guest's clocks and its unfinished log lines.
 */
final class GuestSession {

    /** A batch the host handed over and the promise of its outputs. */
    record Work(InputBatch batch, CompletableFuture<List<OutputRecord>> outputs) {
    }

    /** What the VM learns from the session: a batch taken, a batch done, the guest waiting for the next one. */
    interface Listener {
        void batchTaken(Work work);

        void batchDone(Work work);

        void waiting();
    }

    /** Thrown in the guest's thread when the VM is closed while the guest waits for a batch. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    private static final int MAX_LINE_BYTES = 1024;

    private final GuestEnvironment environment;
    private final GuestLog log;
    private final Listener listener;
    private final BlockingQueue<Work> inbox = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private Work current;
    private int cursor;
    private List<OutputRecord> outputs = new ArrayList<>();
    private long clockMillis;
    private long monotonicTicks;
    private byte[] scratch = new byte[0];
    private volatile String firstStderrLine = "";   // of the current batch (or of the start-up)

    GuestSession(final GuestEnvironment environment, final GuestLog log, final Listener listener) {
        this.environment = environment;
        this.log = log;
        this.listener = listener;
    }

    GuestEnvironment environment() {
        return environment;
    }

    void hand(final Work work) {
        inbox.add(work);
    }

    /** Work handed over that the guest never took, for failing it when the VM dies. */
    List<Work> drainInbox() {
        final List<Work> left = new ArrayList<>();
        inbox.drainTo(left);
        return left;
    }

    /** The batch being read when the VM died, if any. */
    Work current() {
        return current;
    }

    /** Ends the batch being read (its outputs are complete) and blocks until the host hands over the next one. */
    InputBatch nextBatch() {
        if (current != null) {
            final Work done = current;
            current = null;
            listener.batchDone(done);
            done.outputs().complete(outputs);
        }
        listener.waiting();
        final Work next;
        try {
            next = inbox.take();
        } catch (InterruptedException e) {
            throw new Stopped();
        }
        listener.batchTaken(next);
        current = next;
        firstStderrLine = "";
        cursor = 0;
        outputs = new ArrayList<>();
        clockMillis = next.batch().header().baseTimestamp();
        return next.batch();
    }

    boolean batchActive() {
        return current != null;
    }

    /** The next record of the batch, or {@code null} when there is none. */
    InputRecord peekRecord() {
        if (current == null || cursor >= current.batch().records().size()) {
            return null;
        }
        return current.batch().records().get(cursor);
    }

    void recordConsumed(final InputRecord record) {
        cursor++;
        clockMillis = record.timestamp();
    }

    void emit(final int topicIndex, final byte[] payload) {
        outputs.add(new OutputRecord(topicIndex, payload));
    }

    /** A copy of a direct buffer's bytes in a reused array (heap buffers are copied straight into the guest). */
    byte[] scratch(final ByteBuffer payload) {
        if (scratch.length < payload.remaining()) {
            scratch = new byte[payload.remaining()];
        }
        payload.duplicate().get(scratch, 0, payload.remaining());
        return scratch;
    }

    long clockMillis() {
        return clockMillis;
    }

    long nextMonotonicTick() {
        return ++monotonicTicks;
    }

    /** Bytes the guest wrote to stdout or stderr: each full line (at most 1 KiB) goes to the log. */
    void guestOutput(final boolean isStderr, final byte[] bytes) {
        final ByteArrayOutputStream line = isStderr ? stderr : stdout;
        for (final byte b : bytes) {
            if (b == '\n') {
                flush(isStderr);
            } else {
                line.write(b);
                if (line.size() >= MAX_LINE_BYTES) {
                    flush(isStderr);
                }
            }
        }
    }

    void flushLogs() {
        flush(false);
        flush(true);
    }

    private void flush(final boolean isStderr) {
        final ByteArrayOutputStream line = isStderr ? stderr : stdout;
        if (line.size() == 0) {
            return;
        }
        final String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (isStderr && firstStderrLine.isEmpty() && !text.isBlank()) {
            firstStderrLine = text;
        }
        log.line(isStderr, text);
    }

    /** The guest's first line on stderr in this batch (a panic's message), for the status of a failed VM. */
    String firstStderrLine() {
        return firstStderrLine;
    }
}
