package io.ailurus.kafka.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * A plaintext socket as kafka-clients' {@code Send}s want to write to it. {@link #transferFrom} is the zero-copy
 * path: file bytes go to the socket with {@code FileChannel.transferTo} (sendfile), never through the heap.
 */
final class SocketTransfer implements TransferableChannel {

    private final SocketChannel socket;

    SocketTransfer(final SocketChannel socket) {
        this.socket = socket;
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public long transferFrom(final FileChannel fileChannel, final long position, final long count) throws IOException {
        return fileChannel.transferTo(position, count, socket);
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public long write(final ByteBuffer[] srcs) throws IOException {
        return socket.write(srcs);
    }

    @Override
    public int write(final ByteBuffer src) throws IOException {
        return socket.write(src);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
