package io.ailurus.kafka.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka TCP listener: an acceptor thread hands each new socket to one of N {@link Processor} network threads.
 *
 * <p>Why plain NIO rather than Pekko Streams {@code Tcp}: fetch responses carry record batches straight from segment
 * files, and only a raw channel lets them go out with {@code FileChannel.transferTo} (sendfile) instead of a copy
 * through the heap per fetch — the consume path is where Apache Kafka is hardest to beat. The listener sits behind
 * {@link FrameHandler}, so the transport can change without touching request handling.
 */
public final class KafkaListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaListener.class);

    private final ServerSocketChannel server;
    private final ListenerSecurity security;
    private final List<Processor> processors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile boolean running = true;

    private KafkaListener(final ServerSocketChannel server, final ListenerSecurity security) {
        this.server = server;
        this.security = security;
    }

    /** Binds the socket of a listener secured as {@code security} says; nothing is accepted until {@link #start}. */
    public static KafkaListener bind(final InetSocketAddress address, final ListenerSecurity security)
            throws IOException {
        final ServerSocketChannel server = ServerSocketChannel.open();
        server.socket().setReuseAddress(true);
        server.bind(address, 512);
        return new KafkaListener(server, security);
    }

    public ListenerSecurity security() {
        return security;
    }

    /** Starts the acceptor and {@code networkThreads} processors handing frames to {@code handler}. */
    public void start(final int networkThreads, final int maxRequestBytes, final int maxInFlight,
            final FrameHandler handler) throws IOException {
        for (int i = 0; i < Math.max(1, networkThreads); i++) {
            final Processor p = new Processor(i, this, security, handler, maxRequestBytes, maxInFlight);
            processors.add(p);
            final Thread t = new Thread(p, "ailurus-network-" + security.listenerName().toLowerCase() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        final Thread acceptor = new Thread(this::acceptLoop, "ailurus-acceptor-" + security.listenerName().toLowerCase());
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    public int boundPort() {
        return server.socket().getLocalPort();
    }

    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    private void acceptLoop() {
        while (running) {
            try {
                final SocketChannel channel = server.accept();
                leastLoaded().accept(channel);
            } catch (IOException e) {
                if (running) {
                    LOG.warn("Accepting a connection failed: {}", e.toString());
                }
            }
        }
    }

    private Processor leastLoaded() {
        Processor best = processors.get(0);
        for (final Processor p : processors) {
            if (p.connectionCount() < best.connectionCount()) {
                best = p;
            }
        }
        return best;
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("server close failed: {}", e.toString());
        }
        processors.forEach(Processor::shutdown);
        for (final Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processors.forEach(Processor::closeAll);
    }
}
