package io.ailurus.partition.replica;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking Kafka-protocol connection to one broker, one request at a time, for writes a producer client cannot
 * make: idempotent batches whose producer id and sequences the caller chooses (data transforms), transaction
 * markers for partitions led elsewhere (the transaction coordinator). Requests and responses are encoded by
 * kafka-clients. Any I/O failure closes it; the caller opens a new one.
 */
public final class BrokerChannel implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** A response larger than this is not one we asked for (our requests are one produce batch or a few markers). */
    private static final int MAX_RESPONSE_BYTES = 16 << 20;

    private final String clientId;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    /**
     * How a channel reaches a broker: a plain or TLS socket, then the SASL exchange when the listener wants one.
     * The broker's inter-broker listener decides which (its security protocol).
     */
    public interface Security {

        Security PLAINTEXT = (host, port, timeoutMs) -> {
            final Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), timeoutMs);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            return socket;
        };

        Socket connect(String host, int port, int timeoutMs) throws IOException;

        /** Runs before the channel carries any other request; a failure closes it. */
        default void authenticate(final BrokerChannel channel) throws IOException {
        }
    }

    public BrokerChannel(final String host, final int port, final String clientId, final int readTimeoutMs,
            final Security security) throws IOException {
        this.clientId = clientId;
        this.socket = security.connect(host, port, CONNECT_TIMEOUT_MS);
        try {
            socket.setSoTimeout(readTimeoutMs);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            security.authenticate(this);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public synchronized AbstractResponse send(final AbstractRequest request) throws IOException {
        final RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
        try {
            final ByteBuffer frame = request.serializeWithHeader(header);
            final byte[] size = ByteBuffer.allocate(4).putInt(frame.remaining()).array();
            out.write(size);
            if (frame.hasArray()) {
                out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            } else {
                final byte[] copy = new byte[frame.remaining()];
                frame.get(copy);
                out.write(copy);
            }
            out.flush();
            final int length = in.readInt();
            if (length < 0 || length > MAX_RESPONSE_BYTES) {
                throw new IOException("response of " + length + " bytes from " + socket.getRemoteSocketAddress());
            }
            final byte[] body = new byte[length];
            in.readFully(body);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("bad response from "
                    + socket.getRemoteSocketAddress() + ": " + e.getMessage(), e);
        }
    }

    public boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }
}
