package io.ailurus.wasm.abi;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The record payload format of the transform ABI: {@code keyLength key valueLength value headerCount (headerKeyLength
 * headerKey headerValueLength headerValue)*}, zig-zag varints, -1 for null. It is exactly the tail of a Kafka v2
 * record, so input payloads are slices of the stored batch and output payloads become records without re-encoding
 * their fields.
 */
public final class Payloads {

    private Payloads() {
    }

    /**
     * Whether a payload written by the guest is well formed: lengths ≥ -1 that fit, a header count ≥ 0, header keys
     * not null, and nothing left over (the host's rule; anything else answers the guest {@code INVALID_BUFFER}).
     */
    public static boolean isValid(final byte[] payload) {
        final ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            if (!skipBytes(in, true) || !skipBytes(in, true)) {
                return false;
            }
            final int headers = ByteUtils.readVarint(in);
            if (headers < 0) {
                return false;
            }
            for (int i = 0; i < headers; i++) {
                if (!skipBytes(in, false) || !skipBytes(in, true)) {
                    return false;
                }
            }
            return !in.hasRemaining();
        } catch (RuntimeException malformed) {   // a varint that never ends or runs past the buffer
            return false;
        }
    }

    private static boolean skipBytes(final ByteBuffer in, final boolean nullable) {
        final int length = ByteUtils.readVarint(in);
        if (length < (nullable ? -1 : 0) || length > in.remaining()) {
            return false;
        }
        if (length > 0) {
            in.position(in.position() + length);
        }
        return true;
    }
}
