package io.ailurus.kafka.network;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.network.Send;

/** What the network layer hands each complete request frame to. */
public interface FrameHandler {

    /**
     * Handles one frame (size prefix stripped; the buffer is the handler's) from {@code connection}. Returns the response to send, or a future
     * of null for no response. Throws {@link MalformedRequestException} when the connection must be closed.
     *
     * @param completions runs the steps that finish a response (building and encoding it) when the request completes
     *                    on another thread: the connection's network thread, so that a partition's thread goes back
     *                    to its log instead of encoding responses
     */
    CompletableFuture<Send> handle(ByteBuffer frame, ClientConnection connection, Executor completions);
}
