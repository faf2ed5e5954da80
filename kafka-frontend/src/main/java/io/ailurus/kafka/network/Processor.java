package io.ailurus.kafka.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network thread with its own selector, serving many connections: socket reads and writes, framing, and the
 * hand-off of frames to the request handlers. Responses completed on other threads are queued here and written by
 * this thread, so a connection's socket is only ever touched by one thread. As an {@link Executor} it runs the steps
 * that finish responses (encoding), which would otherwise run on whatever thread completed the request.
 */
final class Processor implements Runnable, Executor {

    private static final Logger LOG = LoggerFactory.getLogger(Processor.class);

    private final int index;
    private final Selector selector;
    private final ConcurrentLinkedQueue<SocketChannel> newConnections = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<KafkaConnection> ready = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Connections still in their TLS or SASL handshake, checked against the handshake timeout. */
    private final List<KafkaConnection> handshaking = new ArrayList<>();
    private final ListenerSecurity security;
    private final ArrayDeque<KafkaConnection> bufferedInput = new ArrayDeque<>();
    private long nextHandshakeCheckMs;
    private volatile Thread thread;
    private final FrameHandler handler;
    private final int maxRequestBytes;
    private final int maxInFlight;
    private final AtomicInteger connections = new AtomicInteger();
    private final KafkaListener listener;
    private volatile boolean running = true;

    Processor(final int index, final KafkaListener listener, final ListenerSecurity security, final FrameHandler handler,
            final int maxRequestBytes, final int maxInFlight) throws IOException {
        this.index = index;
        this.security = security;
        this.listener = listener;
        this.selector = Selector.open();
        this.handler = handler;
        this.maxRequestBytes = maxRequestBytes;
        this.maxInFlight = maxInFlight;
    }

    int connectionCount() {
        return connections.get();
    }

    void accept(final SocketChannel channel) {
        newConnections.add(channel);
        selector.wakeup();
    }

    /** Any thread: a response of {@code connection} is complete. */
    void responseReady(final KafkaConnection connection) {
        ready.add(connection);
        wakeUnlessOwnThread();
    }

    /** Any thread: runs {@code task} on this network thread, before it writes the responses that are ready. */
    @Override
    public void execute(final Runnable task) {
        tasks.add(task);
        wakeUnlessOwnThread();
    }

    private void wakeUnlessOwnThread() {
        // This thread looks at both queues before it selects again (selectNow when they hold work): no wakeup needed.
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    void connectionClosed(final KafkaConnection connection) {
        connections.decrementAndGet();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (running) {
            try {
                registerNewConnections();
                final boolean buffered = !bufferedInput.isEmpty();
                if (tasks.isEmpty() && ready.isEmpty() && !buffered) {
                    selector.select(500);
                } else {
                    selector.selectNow();   // work queued by this thread itself, which did not wake the selector
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                KafkaConnection c;
                while ((c = ready.poll()) != null) {
                    c.onWritable();
                }
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    final KafkaConnection connection = (KafkaConnection) key.attachment();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isWritable()) {
                        connection.onWritable();
                    }
                    if (key.isValid() && key.isReadable()) {
                        connection.onReadable();
                    }
                }
                if (buffered) {
                    readBufferedInput();
                }
                closeOverdueHandshakes();
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // A bug in one connection's handling must not stop the thread serving all the others.
                LOG.error("Network thread {} survived an unexpected error", index, e);
            }
        }
    }

    /** Any connection of this thread: decrypted input waits in its TLS layer, which no socket event will report. */
    void inputBuffered(final KafkaConnection connection) {
        bufferedInput.add(connection);
    }

    private void readBufferedInput() {
        for (int n = bufferedInput.size(); n > 0; n--) {
            final KafkaConnection c = bufferedInput.poll();
            if (c.hasBufferedInput()) {
                c.onReadable();
            }
        }
    }

    private void closeOverdueHandshakes() {
        final long now = System.currentTimeMillis();
        if (handshaking.isEmpty() || now < nextHandshakeCheckMs) {
            return;
        }
        nextHandshakeCheckMs = now + 250;
        handshaking.removeIf(c -> {
            if (c.isClosed() || c.handshakeDone()) {
                return true;
            }
            if (c.handshakeOverdue(now)) {
                c.close("no authentication within " + security.handshakeTimeoutMs() + " ms");
                return true;
            }
            return false;
        });
    }

    private void registerNewConnections() {
        SocketChannel channel;
        while ((channel = newConnections.poll()) != null) {
            try {
                channel.configureBlocking(false);
                channel.socket().setTcpNoDelay(true);
                final SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                final InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
                final long id = listener.nextConnectionId();
                final ClientConnection client = new ClientConnection(id, String.valueOf(peer), peer.getAddress(),
                        security.listenerName(), security.protocol());
                final KafkaConnection connection = new KafkaConnection(channel, key, this, client, security,
                        security.transport(id, key), System.currentTimeMillis(), maxRequestBytes, maxInFlight, handler);
                key.attach(connection);
                if (!client.authenticated() || security.usesTls()) {
                    handshaking.add(connection);
                }
                connections.incrementAndGet();
            } catch (IOException e) {
                LOG.debug("Could not register a new connection: {}", e.toString());
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    void closeAll() {
        for (final SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof KafkaConnection connection) {
                connection.close(null);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("selector close failed: {}", e.toString());
        }
    }
}
