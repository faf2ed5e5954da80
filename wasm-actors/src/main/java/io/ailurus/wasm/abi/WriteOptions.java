package io.ailurus.wasm.abi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The options buffer of {@code write_record_with_options}: a sequence of tagged options, of which the ABI defines one,
 * {@code 0x01} followed by a varint length and the output topic's name. An empty buffer means the default topic.
 */
public final class WriteOptions {

    private static final byte OUTPUT_TOPIC = 0x01;

    private WriteOptions() {
    }

    /** The output topic the options name, or {@code null} for the default topic. */
    public static String outputTopic(final byte[] options) throws MalformedOptionsException {
        final ByteBuffer in = ByteBuffer.wrap(options);
        String topic = null;
        try {
            while (in.hasRemaining()) {
                final byte key = in.get();
                if (key != OUTPUT_TOPIC) {
                    throw new MalformedOptionsException("unknown write option " + key);
                }
                final int length = ByteUtils.readVarint(in);
                if (length < 0 || length > in.remaining()) {
                    throw new MalformedOptionsException("topic name length " + length + " out of the buffer");
                }
                final byte[] name = new byte[length];
                in.get(name);
                topic = new String(name, StandardCharsets.UTF_8);
            }
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new MalformedOptionsException("malformed varint in write options");
        }
        return topic;
    }

    /** Options the host cannot read; the guest gets {@code INVALID_BUFFER}. */
    public static final class MalformedOptionsException extends Exception {
        public MalformedOptionsException(final String message) {
            super(message);
        }
    }
}
