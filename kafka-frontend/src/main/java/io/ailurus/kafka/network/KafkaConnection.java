package io.ailurus.kafka.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.network.Send;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, driven by its {@link Processor}'s thread: reads length-prefixed frames, hands each to the
 * {@link FrameHandler}, and writes the responses strictly in request order even when they complete out of order.
 *
 * <p>Back-pressure: with {@code maxInFlight} requests unanswered it stops reading the socket, so one client cannot
 * queue unbounded work. The length prefix is checked against {@code maxRequestBytes} before anything is allocated.
 */
final class KafkaConnection {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

    /** A response in request order; filled in by whatever thread completes the request. */
    private static final class Slot {
        volatile boolean done;
        volatile Send send;
    }

    private final long id;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final Processor processor;
    private final String remote;
    private final SocketTransfer transfer;
    private final int maxRequestBytes;
    private final int maxInFlight;
    private final FrameHandler handler;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    private ByteBuffer frame;
    private Send writing;
    private boolean closed;

    KafkaConnection(final long id, final SocketChannel channel, final SelectionKey key, final Processor processor,
            final int maxRequestBytes, final int maxInFlight, final FrameHandler handler) {
        this.id = id;
        this.channel = channel;
        this.key = key;
        this.processor = processor;
        this.remote = describe(channel);
        this.transfer = new SocketTransfer(channel);
        this.maxRequestBytes = maxRequestBytes;
        this.maxInFlight = maxInFlight;
        this.handler = handler;
    }

    private static String describe(final SocketChannel channel) {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    String remote() {
        return remote;
    }

    boolean isClosed() {
        return closed;
    }

    /** Reads what the socket has, dispatching each complete frame, until it would block or the window is full. */
    void onReadable() {
        try {
            while (!closed && inFlight.size() < maxInFlight) {
                if (frame == null) {
                    if (channel.read(sizeBuffer) < 0) {
                        close(null);
                        return;
                    }
                    if (sizeBuffer.hasRemaining()) {
                        return;
                    }
                    final int size = sizeBuffer.getInt(0);
                    sizeBuffer.clear();
                    if (size <= 0 || size > maxRequestBytes) {
                        close(size <= 0 ? "invalid request size " + size
                                : "request of " + size + " bytes exceeds socket.request.max.bytes " + maxRequestBytes);
                        return;
                    }
                    frame = ByteBuffer.allocate(size);
                }
                if (channel.read(frame) < 0) {
                    // A client that goes away mid-request is routine (timeouts, crashes): nothing to warn about.
                    close(null);
                    return;
                }
                if (frame.hasRemaining()) {
                    return;
                }
                final ByteBuffer complete = frame.flip();
                frame = null;
                dispatch(complete);
            }
        } catch (IOException e) {
            close(null);
        } finally {
            updateReadInterest();
        }
    }

    private void dispatch(final ByteBuffer complete) {
        final Slot slot = new Slot();
        final CompletableFuture<Send> response;
        try {
            response = handler.handle(complete, remote, id, processor);
        } catch (MalformedRequestException e) {
            close(e.getMessage());
            return;
        }
        inFlight.add(slot);
        response.whenComplete((send, failure) -> {
            slot.send = send;
            slot.done = true;
            processor.responseReady(this);
        });
    }

    /** Writes completed responses in order; called on the processor thread. */
    void onWritable() {
        if (closed) {
            return;
        }
        try {
            while (true) {
                if (writing == null) {
                    final Slot head = inFlight.peek();
                    if (head == null || !head.done) {
                        break;
                    }
                    inFlight.poll();
                    if (head.send == null) {
                        continue;   // acks=0 produce, or a request answered by closing
                    }
                    writing = head.send;
                }
                writing.writeTo(transfer);
                if (!writing.completed()) {
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                    return;
                }
                writing = null;
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            updateReadInterest();
            if (channel.isConnected() && inFlight.size() < maxInFlight && frame == null && sizeBuffer.position() == 0) {
                // Frames may already sit in the socket buffer while reads were paused.
                onReadable();
            }
        } catch (IOException e) {
            close(null);
        }
    }

    private void updateReadInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        final int ops = key.interestOps();
        if (inFlight.size() < maxInFlight) {
            key.interestOps(ops | SelectionKey.OP_READ);
        } else {
            key.interestOps(ops & ~SelectionKey.OP_READ);
        }
    }

    /** Closes this connection only; {@code reason} non-null is logged as one line (a client's fault, no stack trace). */
    void close(final String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (reason != null) {
            LOG.warn("Closing connection from {}: {}", remote, reason);
        }
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("close of {} failed: {}", remote, e.toString());
        }
        processor.connectionClosed(this);
    }
}
