package io.ailurus.broker;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** A bare socket to the broker for sending hand-made (and broken) frames and reading the answers. */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    RawConnection(final int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends bytes exactly as given (no length prefix added). */
    void sendRaw(final byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a length-prefixed frame with this body. */
    void sendFrame(final ByteBuffer body) throws IOException {
        final byte[] bytes = new byte[body.remaining() + 4];
        ByteBuffer.wrap(bytes).putInt(body.remaining()).put(body.duplicate());
        sendRaw(bytes);
    }

    RequestHeader header(final AbstractRequest request, final String clientId) {
        return new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
    }

    /** Sends a well-formed request and parses its response. */
    AbstractResponse roundTrip(final AbstractRequest request) throws IOException {
        final RequestHeader header = header(request, "raw-test");
        sendFrame(request.serializeWithHeader(header));
        return AbstractResponse.parseResponse(readFrame(), header);
    }

    ByteBuffer readFrame() throws IOException {
        final int size = in.readInt();
        final byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    /** True when the broker closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByBroker() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;   // connection reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
