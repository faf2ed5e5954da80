package io.ailurus.partition.transport;

import org.agrona.MutableDirectBuffer;

/**
 * Writes a frame body straight into the transport's outbound queue, so the caller's codec needs no buffer of its own.
 * Runs on the calling thread while it holds the peer queue's lock: encode and return, nothing else.
 */
@FunctionalInterface
public interface FrameEncoder {

    /**
     * @param buffer where to write; {@code maxLength} bytes from {@code offset} are available
     * @return the body length actually written, between 0 and {@code maxLength}
     */
    int encode(MutableDirectBuffer buffer, int offset);
}
