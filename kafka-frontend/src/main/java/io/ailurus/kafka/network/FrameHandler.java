package io.ailurus.kafka.network;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.network.Send;

/** What the network layer hands each complete request frame to. */
public interface FrameHandler {

    /**
     * Handles one frame (size prefix stripped; the buffer is the handler's). Returns the response to send, or a future
     * of null for no response. Throws {@link MalformedRequestException} when the connection must be closed.
     */
    CompletableFuture<Send> handle(ByteBuffer frame, String clientAddress, long connectionId);
}
