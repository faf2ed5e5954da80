package io.ailurus.partition.transport;

import org.agrona.DirectBuffer;

/**
 * Receives the frames that peers (and this node itself) sent to this node.
 *
 * <p>Called on the transport's receiver thread, one frame at a time, in the order the sender queued them. The buffer
 * is only valid during the call: copy what you keep. Do not block: while the handler runs, nothing else is received
 * from any peer, so a slow handler back-pressures every sender (no frame is lost, they wait). Decode and hand off
 * (e.g. to an actor or a queue) instead.
 */
@FunctionalInterface
public interface FrameHandler {

    /**
     * @param fromNode sender's node id
     * @param groupId  Raft group the frame belongs to
     * @param buffer   holds the body at {@code [offset, offset + length)}; valid only during this call
     */
    void onFrame(int fromNode, long groupId, DirectBuffer buffer, int offset, int length);
}
