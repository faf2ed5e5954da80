package io.ailurus.chaos.tier;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A byte-for-byte TCP relay from an address the nodes' network namespaces reach (the bridge's) to a loopback port of
 * the harness (tier-s3's fault proxy, which listens on loopback only). It adds no behaviour of its own: an end of
 * stream is passed on as a half-close, a reset as a reset ({@code SO_LINGER 0}), so the proxy's faults (error
 * answers, resets, delays) reach the nodes as the proxy makes them.
 */
public final class TcpRelay implements AutoCloseable {

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private TcpRelay(final String host, final int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getByName(host));
        final AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            final Thread t = new Thread(task, "chaos-s3-relay-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /** Listens on {@code host} (a free port) and relays every connection to {@code 127.0.0.1:upstreamPort}. */
    public static TcpRelay start(final String host, final int upstreamPort) throws IOException {
        return new TcpRelay(host, upstreamPort);
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            final Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;   // closed
            }
            open.add(client);
            try {
                threads.execute(() -> relay(client));
            } catch (RuntimeException rejectedWhileClosing) {
                quietly(client);
            }
        }
    }

    private void relay(final Socket client) {
        final Socket server = new Socket();
        open.add(server);
        try {
            client.setTcpNoDelay(true);
            server.connect(upstream, 5_000);
            server.setTcpNoDelay(true);
            final AtomicInteger finished = new AtomicInteger();
            threads.execute(() -> pump(client, server, finished));
            pump(server, client, finished);
        } catch (IOException | RuntimeException e) {
            reset(client);
        }
    }

    /**
     * Copies {@code from} to {@code to} until the end of the stream (then half-closes {@code to}) or an error (then
     * resets both). The second of the two pumps of a connection to finish closes both sockets.
     */
    private void pump(final Socket from, final Socket to, final AtomicInteger finished) {
        final byte[] buffer = new byte[16 * 1024];
        try {
            final InputStream in = from.getInputStream();
            final OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
            if (finished.incrementAndGet() == 2) {
                quietly(from);
                quietly(to);
            }
        } catch (IOException e) {
            // A reset (or a broken pipe) on one side: the other side sees a reset too.
            reset(to);
            reset(from);
        }
    }

    private void reset(final Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (SocketException ignored) {
            // closing anyway
        }
        quietly(s);
    }

    private void quietly(final Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        open.remove(s);
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(this::quietly);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
