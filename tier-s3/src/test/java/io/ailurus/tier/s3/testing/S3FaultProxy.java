package io.ailurus.tier.s3.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An HTTP proxy for tests, on a free loopback port in front of an S3 server, that injects the faults of a real object
 * store on request: error answers, delays, resets, bodies cut short or stalled (see {@link ProxyFault}). The fault
 * is set at any time with {@link #setFault}; {@link #failNext} applies one to the next N requests only.
 *
 * <p>Each client connection carries one request: the proxy asks the server to close after answering, and passes
 * that on, so every request is seen (and counted) here, whatever the client's connection reuse. Plain blocking
 * sockets, two threads per connection; {@link #close()} closes every socket and stops every thread.
 */
public final class S3FaultProxy implements AutoCloseable {

    private static final int HEAD_LIMIT = 64 * 1024;
    /** Of a response body whose length is not announced (chunked), a cut or stalled response forwards this much. */
    private static final int UNKNOWN_LENGTH_PREFIX = 16;

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final ExecutorService threads;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private final AtomicReference<PlannedFaults> planned = new AtomicReference<>(PlannedFaults.NONE);
    private volatile ProxyFault fault = ProxyFault.PASS;
    private volatile boolean closed;

    private S3FaultProxy(final InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger threadNumber = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            final Thread thread = new Thread(task, "s3-fault-proxy-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptLoop);
    }

    /** A proxy in front of the server listening on {@code 127.0.0.1:upstreamPort}. */
    public static S3FaultProxy start(final int upstreamPort) {
        try {
            return new S3FaultProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}: point the client here instead of at the server. */
    public String endpoint() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** From now on every request meets {@code fault} (after the ones {@link #failNext} still applies to). */
    public void setFault(final ProxyFault fault) {
        this.fault = fault;
    }

    /** The next {@code count} requests meet {@code fault}; later ones the fault set with {@link #setFault}. */
    public void failNext(final int count, final ProxyFault fault) {
        failNext(count, fault, requestLine -> true);
    }

    /**
     * The next {@code count} requests whose request line (e.g. {@code PUT /bucket/key?partNumber=2&uploadId=...
     * HTTP/1.1}) matches meet {@code fault}; other requests, and later ones, the fault set with {@link #setFault}.
     */
    public void failNext(final int count, final ProxyFault fault, final Predicate<String> requestLine) {
        planned.set(new PlannedFaults(count, fault, requestLine));
    }

    /** Requests that reached the proxy so far (each one a request head read from a client). */
    public int requests() {
        return requests.get();
    }

    /** Requests that met a fault other than {@link ProxyFault#PASS}. */
    public int faultsInjected() {
        return faultsInjected.get();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (final Socket socket : openSockets) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("S3FaultProxy threads did not stop within 5 s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            final Socket client;
            try {
                client = listener.accept();
            } catch (final IOException e) {
                return; // closed
            }
            openSockets.add(client);
            try {
                threads.execute(() -> serve(client));
            } catch (final RuntimeException rejectedWhileClosing) {
                closeQuietly(client);
            }
        }
    }

    private ProxyFault faultFor(final String requestLine) {
        while (true) {
            final PlannedFaults current = planned.get();
            if (current.count() == 0 || !current.matches().test(requestLine)) {
                return fault;
            }
            if (planned.compareAndSet(current, current.oneUsed())) {
                return current.fault();
            }
        }
    }

    private void serve(final Socket client) {
        Socket server = null;
        try {
            client.setTcpNoDelay(true);
            final InputStream fromClient = new BufferedInputStream(client.getInputStream());
            final byte[] requestHead = readHead(fromClient);
            if (requestHead == null) {
                return;
            }
            requests.incrementAndGet();
            final HttpHead request = HttpHead.parse(requestHead);
            final ProxyFault applied = faultFor(request.firstLine());
            if (!(applied instanceof ProxyFault.Pass)) {
                faultsInjected.incrementAndGet();
            }
            if (applied instanceof ProxyFault.Reset) {
                client.setSoLinger(true, 0);
                return;
            }
            if (applied instanceof ProxyFault.FailStatus failure) {
                // Read the body first: closing with unread data would reset the connection instead of answering.
                fromClient.skipNBytes(Math.max(0, request.contentLength()));
                answerWithError(client.getOutputStream(), request, failure);
                return;
            }
            if (applied instanceof ProxyFault.Delay delay) {
                Thread.sleep(delay.delay().toMillis());
            }
            server = new Socket();
            openSockets.add(server);
            server.connect(upstream, 5_000);
            server.setTcpNoDelay(true);
            final OutputStream toServer = server.getOutputStream();
            toServer.write(request.withConnectionClose());
            toServer.flush();
            // The request body (and nothing else: the server closes after one answer) flows on its own thread.
            final Future<?> requestBody = threads.submit(copying(fromClient, toServer));
            final InputStream fromServer = new BufferedInputStream(server.getInputStream());
            final OutputStream toClient = client.getOutputStream();
            if (applied instanceof ProxyFault.CutBody || applied instanceof ProxyFault.StallBody) {
                forwardHeadAndHalfTheBody(request, fromServer, toClient);
                if (applied instanceof ProxyFault.StallBody) {
                    requestBody.get(); // until the client gives up and closes, or the proxy closes
                }
                return;
            }
            fromServer.transferTo(toClient);
            toClient.flush();
        } catch (final IOException | java.util.concurrent.ExecutionException e) {
            // A connection broke or the proxy is closing: this connection ends, as it would with a real store.
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            closeQuietly(client);
            openSockets.remove(client);
            if (server != null) {
                closeQuietly(server);
                openSockets.remove(server);
            }
        }
    }

    private static void forwardHeadAndHalfTheBody(final HttpHead request, final InputStream fromServer,
            final OutputStream toClient) throws IOException {
        final byte[] responseHead = readHead(fromServer);
        if (responseHead == null) {
            return;
        }
        toClient.write(responseHead);
        if (!request.method().equals("HEAD")) {
            final long length = HttpHead.parse(responseHead).contentLength();
            final long forward = length >= 0 ? length / 2 : UNKNOWN_LENGTH_PREFIX;
            final byte[] part = fromServer.readNBytes((int) Math.min(forward, Integer.MAX_VALUE));
            toClient.write(part);
        }
        toClient.flush();
    }

    private static void answerWithError(final OutputStream toClient, final HttpHead request,
            final ProxyFault.FailStatus failure) throws IOException {
        final byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + failure.errorCode()
                + "</Code><Message>" + xmlText(failure.message()) + "</Message><Resource>" + xmlText(request.target())
                + "</Resource><RequestId>s3-fault-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        final String head = "HTTP/1.1 " + failure.status() + " " + failure.reason() + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        toClient.write(head.getBytes(StandardCharsets.US_ASCII));
        if (!request.method().equals("HEAD")) {
            toClient.write(body);
        }
        toClient.flush();
    }

    private static String xmlText(final String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Runnable copying(final InputStream from, final OutputStream to) {
        return () -> {
            try {
                from.transferTo(to);
            } catch (final IOException e) {
                // One side closed: the exchange is over.
            }
        };
    }

    /** The bytes up to and including the blank line that ends an HTTP head; null if the stream ends first. */
    private static byte[] readHead(final InputStream in) throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (head.size() < HEAD_LIMIT) {
            final int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = switch (matched) {
                case 0, 2 -> b == '\r' ? matched + 1 : 0;
                case 1, 3 -> b == '\n' ? matched + 1 : (b == '\r' ? 1 : 0);
                default -> 0;
            };
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        throw new IOException("HTTP head longer than " + HEAD_LIMIT + " bytes");
    }

    private static void closeQuietly(final java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (final IOException ignored) {
            // Closing is all we wanted.
        }
    }

    /** Faults planned for the next {@code count} requests that match. */
    private record PlannedFaults(int count, ProxyFault fault, Predicate<String> matches) {
        static final PlannedFaults NONE = new PlannedFaults(0, ProxyFault.PASS, requestLine -> false);

        PlannedFaults oneUsed() {
            return new PlannedFaults(count - 1, fault, matches);
        }
    }

    /** An HTTP request or response head: its first line and headers. */
    private record HttpHead(String firstLine, List<String> headers) {

        static HttpHead parse(final byte[] head) {
            final String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            final List<String> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isEmpty()) {
                    headers.add(lines[i]);
                }
            }
            return new HttpHead(lines[0], headers);
        }

        String method() {
            return firstLine.split(" ", 2)[0];
        }

        String target() {
            final String[] parts = firstLine.split(" ");
            return parts.length > 1 ? parts[1] : "";
        }

        /** The Content-Length header's value; -1 if there is none. */
        long contentLength() {
            for (final String header : headers) {
                final int colon = header.indexOf(':');
                if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(header.substring(colon + 1).trim());
                }
            }
            return -1;
        }

        /** This head with {@code Connection: close} instead of any Connection header, as bytes. */
        byte[] withConnectionClose() {
            final StringBuilder out = new StringBuilder(firstLine).append("\r\n");
            for (final String header : headers) {
                if (!header.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    out.append(header).append("\r\n");
                }
            }
            out.append("Connection: close\r\n\r\n");
            return out.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
