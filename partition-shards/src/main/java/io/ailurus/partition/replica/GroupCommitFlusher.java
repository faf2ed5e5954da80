package io.ailurus.partition.replica;

import io.ailurus.partition.log.SegmentLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's fsync threads (group commit). A partition marks its log dirty after appending; this thread fsyncs each
 * dirty log up to its end and reports the durable offset back. While one fsync runs, further appends pile up and the
 * next fsync covers them all, so the fsync rate, not the append rate, bounds the cost.
 *
 * <p>fsync is blocking I/O: it runs here, never on an actor dispatcher.
 */
public final class GroupCommitFlusher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);

    /** Told what became durable. Called on the flusher thread: implementations only hand off (e.g. tell an actor). */
    public interface Listener {
        /** The log is durable below {@code durableOffset}, as of log {@code generation} (read before the flush). */
        void flushed(long durableOffset, long generation);

        void flushFailed(RuntimeException failure);

        /** A listener that hands each report to {@code owner} as a message (the usual owner of a log is an actor). */
        static <T> Listener tellingActor(final ActorRef<T> owner, final FlushedMessage<T> flushed,
                final Function<RuntimeException, T> failed) {
            return new Listener() {
                @Override
                public void flushed(final long durableOffset, final long generation) {
                    owner.tell(flushed.of(durableOffset, generation));
                }

                @Override
                public void flushFailed(final RuntimeException failure) {
                    owner.tell(failed.apply(failure));
                }
            };
        }
    }

    /** Builds the message that reports a flush. */
    @FunctionalInterface
    public interface FlushedMessage<T> {
        T of(long durableOffset, long generation);
    }

    /** One partition's registration; {@link #markDirty} is cheap and allocation-free, so call it after every append. */
    public static final class Dirty {
        private final SegmentLog log;
        private final LongSupplier generation;
        private final Listener listener;
        private final AtomicBoolean queued = new AtomicBoolean();
        private final AtomicBoolean flushWanted = new AtomicBoolean();

        /**
         * @param generation the log's truncation count, moved after each truncation completes: a flush reports the
         *                   generation it read before reading the log end, so a report that raced with a truncation
         *                   carries the old generation and Raft ignores it
         */
        public Dirty(final SegmentLog log, final LongSupplier generation, final Listener listener) {
            this.log = log;
            this.generation = generation;
            this.listener = listener;
        }
    }

    /** Taken by a flusher thread as its signal to stop (see {@link #close}). */
    private static final Dirty STOP = new Dirty(null, () -> 0L, null);

    private final LinkedBlockingQueue<Dirty> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param threads fsync threads: more than one lets fsyncs of different partitions overlap on the device (the file
     *                system batches concurrent fsyncs into one journal commit); a log may then be flushed by two
     *                threads at once, which {@code SegmentLog.flush} allows, and durable offsets may be reported out of
     *                order, which listeners must tolerate (only ever move forward)
     */
    public GroupCommitFlusher(final int threads) {
        for (int i = 0; i < Math.max(1, threads); i++) {
            final Thread t = new Thread(this::run, "ailurus-fsync-" + i);
            t.setDaemon(true);
            this.threads.add(t);
            t.start();
        }
    }

    public void markDirty(final Dirty dirty) {
        dirty.flushWanted.set(true);
        enqueue(dirty);
    }

    /**
     * Extends the log's runway on a flusher thread without flushing it, for a log whose owner just fsynced it on its
     * own thread: a flush here would only cost the device another flush and the owner another report.
     */
    public void extendRunway(final Dirty dirty) {
        enqueue(dirty);
    }

    private void enqueue(final Dirty dirty) {
        if (dirty.queued.compareAndSet(false, true)) {
            queue.add(dirty);
        }
    }

    private void run() {
        while (running) {
            final Dirty dirty;
            try {
                dirty = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (dirty == STOP) {
                return;
            }
            // Clear first: an append that lands during the fsync queues the log again rather than being missed.
            dirty.queued.set(false);
            if (dirty.flushWanted.getAndSet(false)) {
                final long generation = dirty.generation.getAsLong();
                final long target = dirty.log.logEndOffset();
                try {
                    dirty.log.flush(target);
                } catch (RuntimeException e) {
                    dirty.listener.flushFailed(e);
                    continue;
                }
                dirty.listener.flushed(target, generation);
            }
            // After the report, so that no acknowledgement waits for zeros; another thread takes the next flush.
            dirty.log.extendRunway();
        }
    }

    @Override
    public void close() {
        // No interrupt: it would close the FileChannel of a log the thread is writing (NIO channels close when a
        // thread blocked in them is interrupted), under the feet of the partition that owns it.
        running = false;
        threads.forEach(t -> queue.add(STOP));
        for (final Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("{} did not stop within 10 s", t.getName());
            }
        }
    }
}
