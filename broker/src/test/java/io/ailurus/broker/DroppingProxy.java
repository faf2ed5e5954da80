package io.ailurus.broker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A TCP proxy between Kafka clients and the broker that can lose a Produce response: it reads the client's frames
 * (4-byte length, then the request header: api key, api version, correlation id), and for an armed Produce request it
 * forwards the request, waits for the broker's response to it and then closes the connection instead of passing the
 * response on. The broker has appended the records; the client sees a disconnect and retries.
 *
 * <p>The target port is looked up for every new connection, so the proxy keeps working across a broker restart.
 */
final class DroppingProxy implements AutoCloseable {

    private static final short PRODUCE = 0;

    private final IntSupplier targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger produceRequests = new AtomicInteger();
    private final AtomicInteger droppedResponses = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    /** Ordinals (1-based, over all connections) of the Produce requests whose responses are to be lost. */
    private final Set<Integer> dropAt = new ConcurrentSkipListSet<>();
    private volatile boolean closed;

    DroppingProxy(final IntSupplier targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "dropping-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Arms the proxy to lose the response to the {@code nth} Produce request from now on (1 = the next one). */
    void dropResponseToProduce(final int nth) {
        dropAt.add(produceRequests.get() + nth);
    }

    /** Forgets every armed drop that has not happened yet. */
    void disarm() {
        dropAt.clear();
    }

    /** Produce requests seen so far, retries included. */
    int produceRequests() {
        return produceRequests.get();
    }

    /** Produce responses swallowed (each one closed its connection). */
    int droppedResponses() {
        return droppedResponses.get();
    }

    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed) {
            final Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;   // closed
            }
            connections.incrementAndGet();
            sockets.add(client);
            final Socket broker = new Socket();
            try {
                broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort.getAsInt()), 5_000);
            } catch (IOException | RuntimeException e) {
                quietlyClose(client);   // broker down (restarting): the client sees a disconnect and retries
                quietlyClose(broker);
                continue;
            }
            sockets.add(broker);
            final Connection c = new Connection(client, broker);
            start("dropping-proxy-up", c::clientToBroker);
            start("dropping-proxy-down", c::brokerToClient);
        }
    }

    private void start(final String name, final Runnable task) {
        final Thread t = new Thread(task, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** One client connection and its broker connection. */
    private final class Connection {
        private final Socket client;
        private final Socket broker;
        /** Correlation ids of requests whose responses are to be lost. */
        private final Set<Integer> doomed = new ConcurrentSkipListSet<>();

        Connection(final Socket client, final Socket broker) {
            this.client = client;
            this.broker = broker;
        }

        void clientToBroker() {
            try {
                final DataInputStream in = new DataInputStream(client.getInputStream());
                final DataOutputStream out = new DataOutputStream(broker.getOutputStream());
                while (true) {
                    final byte[] frame = readFrame(in);
                    final ByteBuffer header = ByteBuffer.wrap(frame);
                    if (frame.length >= 8 && header.getShort(0) == PRODUCE) {
                        if (dropAt.remove(produceRequests.incrementAndGet())) {
                            doomed.add(header.getInt(4));   // before forwarding, so the response cannot overtake
                        }
                    }
                    writeFrame(out, frame);
                }
            } catch (IOException e) {
                closeBoth();
            }
        }

        void brokerToClient() {
            try {
                final DataInputStream in = new DataInputStream(broker.getInputStream());
                final DataOutputStream out = new DataOutputStream(client.getOutputStream());
                while (true) {
                    final byte[] frame = readFrame(in);
                    if (frame.length >= 4 && doomed.remove(ByteBuffer.wrap(frame).getInt(0))) {
                        droppedResponses.incrementAndGet();
                        closeBoth();
                        return;
                    }
                    writeFrame(out, frame);
                }
            } catch (IOException e) {
                closeBoth();
            }
        }

        private void closeBoth() {
            quietlyClose(client);
            quietlyClose(broker);
            sockets.remove(client);
            sockets.remove(broker);
        }
    }

    private static byte[] readFrame(final DataInputStream in) throws IOException {
        final int size = in.readInt();
        if (size < 0 || size > 256 * 1024 * 1024) {
            throw new IOException("bad frame size " + size);
        }
        final byte[] frame = new byte[size];
        in.readFully(frame);
        return frame;
    }

    private static void writeFrame(final DataOutputStream out, final byte[] frame) throws IOException {
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
    }

    private static void quietlyClose(final Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Closes the listening socket and every connection, and waits for the proxy's threads to end. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptor.join(10_000);   // no connection is added after this
            for (final Socket s : new ArrayList<>(sockets)) {
                quietlyClose(s);
            }
            for (final Thread t : threads) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
