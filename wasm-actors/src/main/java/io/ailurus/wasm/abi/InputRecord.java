package io.ailurus.wasm.abi;

import java.nio.ByteBuffer;

/**
 * One record as the guest reads it: its absolute offset and timestamp (ms), its attribute byte and its payload, the
 * tail of the Kafka v2 record after length, attributes, timestamp delta and offset delta (key, value, headers). The
 * payload is a view of the batch's bytes, never a copy.
 */
public record InputRecord(long offset, long timestamp, byte attributes, ByteBuffer payload) {
}
