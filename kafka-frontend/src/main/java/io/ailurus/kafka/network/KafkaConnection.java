package io.ailurus.kafka.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.SslTransportLayer;
import org.apache.kafka.common.network.TransportLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, driven by its {@link Processor}'s thread: reads length-prefixed frames, hands each to the
 * {@link FrameHandler}, and writes the responses strictly in request order even when they complete out of order.
 *
 * <p>Back-pressure: with {@code maxInFlight} requests unanswered it stops reading the socket, so one client cannot
 * queue unbounded work. The length prefix is checked against {@code maxRequestBytes} before anything is allocated,
 * and against {@link #MAX_UNAUTHENTICATED_BYTES} while the client has not authenticated.
 *
 * <p>Bytes go through a kafka-clients {@link TransportLayer}: plaintext, or TLS with its handshake driven from here.
 */
final class KafkaConnection {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

    /** Before authentication only ApiVersions and SASL frames are legal: Kafka's sasl.server.max.receive.size. */
    static final int MAX_UNAUTHENTICATED_BYTES = 512 * 1024;

    /** A response in request order; filled in by whatever thread completes the request. */
    private static final class Slot {
        volatile boolean done;
        volatile Send send;
    }

    private final SocketChannel channel;
    private final SelectionKey key;
    private final Processor processor;
    private final ClientConnection client;
    private final ListenerSecurity security;
    private final TransportLayer transport;
    private final long openedAtMs;
    private final int maxRequestBytes;
    private final int maxInFlight;
    private final FrameHandler handler;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    private ByteBuffer frame;
    private Send writing;
    private boolean closed;

    KafkaConnection(final SocketChannel channel, final SelectionKey key, final Processor processor,
            final ClientConnection client, final ListenerSecurity security, final TransportLayer transport,
            final long openedAtMs, final int maxRequestBytes, final int maxInFlight, final FrameHandler handler) {
        this.channel = channel;
        this.key = key;
        this.processor = processor;
        this.client = client;
        this.security = security;
        this.transport = transport;
        this.openedAtMs = openedAtMs;
        this.maxRequestBytes = maxRequestBytes;
        this.maxInFlight = maxInFlight;
        this.handler = handler;
    }

    boolean isClosed() {
        return closed;
    }

    /** True while TLS or SASL is unfinished past the listener's handshake timeout: a stalled or hostile client. */
    boolean handshakeOverdue(final long nowMs) {
        return !handshakeDone() && nowMs - openedAtMs > security.handshakeTimeoutMs();
    }

    /** TLS (if any) is established and the client has authenticated (if the listener asks it to). */
    boolean handshakeDone() {
        return transport.ready() && client.authenticated();
    }

    /** Decrypted bytes wait in the TLS layer that no socket readiness will announce. */
    boolean hasBufferedInput() {
        return !closed && transport.hasBytesBuffered() && inFlight.size() < maxInFlight;
    }

    /** Drives the TLS handshake; true once the transport carries Kafka frames. */
    private boolean transportReady() throws IOException {
        if (transport.ready()) {
            return true;
        }
        try {
            transport.handshake();
        } catch (SslAuthenticationException e) {
            close("TLS handshake failed: " + tlsReason(e));
            return false;
        }
        if (!transport.ready()) {
            return false;
        }
        if (transport instanceof SslTransportLayer tls) {
            client.transportPrincipal(security.tlsPrincipal(tls, client));
            if (!client.needsSasl()) {
                client.authenticatedAs(client.principal());
            }
        }
        return true;
    }

    /** Reads what the socket has, dispatching each complete frame, until it would block or the window is full. */
    void onReadable() {
        try {
            if (!transportReady()) {
                return;
            }
            while (!closed && client.closeReason() == null && inFlight.size() < maxInFlight) {
                if (frame == null) {
                    if (transport.read(sizeBuffer) < 0) {
                        close(null);
                        return;
                    }
                    if (sizeBuffer.hasRemaining()) {
                        return;
                    }
                    final int size = sizeBuffer.getInt(0);
                    sizeBuffer.clear();
                    final int limit = client.authenticated() ? maxRequestBytes : MAX_UNAUTHENTICATED_BYTES;
                    if (size <= 0 || size > limit) {
                        close(size <= 0 ? "invalid request size " + size
                                : "request of " + size + " bytes exceeds " + (client.authenticated()
                                        ? "socket.request.max.bytes " : "the limit before authentication ") + limit);
                        return;
                    }
                    frame = ByteBuffer.allocate(size);
                }
                if (transport.read(frame) < 0) {
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
        } catch (SslAuthenticationException e) {
            close("TLS failed: " + tlsReason(e));
        } catch (IOException e) {
            close(null);
        } finally {
            updateReadInterest();
            if (hasBufferedInput()) {
                processor.inputBuffered(this);
            }
        }
    }

    private void dispatch(final ByteBuffer complete) {
        final Slot slot = new Slot();
        final CompletableFuture<Send> response;
        try {
            response = handler.handle(complete, client, processor);
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
            if (!transportReady()) {
                return;
            }
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
                writing.writeTo(transport);
                if (!writing.completed()) {
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                    return;
                }
                writing = null;
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            if (client.closeReason() != null && inFlight.isEmpty()) {
                close(client.closeReason());
                return;
            }
            updateReadInterest();
            if (channel.isConnected() && inFlight.size() < maxInFlight && frame == null && sizeBuffer.position() == 0) {
                // Frames may already sit in the socket buffer while reads were paused.
                onReadable();
            }
        } catch (SslAuthenticationException e) {
            close("TLS failed: " + tlsReason(e));
        } catch (IOException e) {
            close(null);
        }
    }

    /**
     * kafka-clients says only "SSL handshake failed"; the JSSE cause says why (no client certificate, an untrusted
     * one, bytes that are not TLS), which is what an operator needs in the one log line.
     */
    private static String tlsReason(final SslAuthenticationException e) {
        final Throwable cause = e.getCause();
        return cause == null || cause.getMessage() == null ? e.getMessage()
                : e.getMessage() + " (" + cause.getMessage() + ")";
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
            LOG.warn("Closing connection from {} on listener {}: {}", client.remoteAddress(), client.listenerName(),
                    reason);
        }
        key.cancel();
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("close of {} failed: {}", client.remoteAddress(), e.toString());
        }
        processor.connectionClosed(this);
    }
}
