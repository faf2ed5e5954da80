package io.ailurus.wasm.runtime;

import io.ailurus.wasm.abi.BatchHeader;
import io.ailurus.wasm.abi.InputBatch;
import io.ailurus.wasm.abi.InputRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.ByteUtils;

/** Builds input batches and record payloads for driving a VM directly. */
final class TestBatches {

    static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    /** A header (one key/value pair of a record's headers); a null value is Kafka's null header value. */
    record Header(byte[] key, byte[] value) {
    }

    private TestBatches() {
    }

    static byte[] payload(final byte[] key, final byte[] value, final List<Header> headers) {
        final ByteBuffer out = ByteBuffer.allocate(64 + length(key) + length(value)
                + headers.stream().mapToInt(h -> 10 + length(h.key()) + length(h.value())).sum());
        putBytes(out, key);
        putBytes(out, value);
        ByteUtils.writeVarint(headers.size(), out);
        for (final Header h : headers) {
            putBytes(out, h.key());
            putBytes(out, h.value());
        }
        final byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    private static int length(final byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static void putBytes(final ByteBuffer out, final byte[] b) {
        if (b == null) {
            ByteUtils.writeVarint(-1, out);
        } else {
            ByteUtils.writeVarint(b.length, out);
            out.put(b);
        }
    }

    /** A batch of {@code payloads} starting at {@code baseOffset}, one millisecond apart. */
    static InputBatch batch(final long baseOffset, final List<byte[]> payloads) {
        final List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            records.add(new InputRecord(baseOffset + i, BASE_TIMESTAMP + baseOffset + i, (byte) 0,
                    ByteBuffer.wrap(payloads.get(i))));
        }
        final int last = Math.max(0, payloads.size() - 1);
        return new InputBatch(new BatchHeader(baseOffset, payloads.size(), 1, (short) 0, last,
                BASE_TIMESTAMP + baseOffset, BASE_TIMESTAMP + baseOffset + last, -1, (short) -1, -1), records);
    }

    static byte[] valueOnly(final String value) {
        return payload(null, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of());
    }

    static String hex(final byte[] bytes) {
        final StringBuilder b = new StringBuilder();
        for (final byte x : bytes) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }

    static byte[] unhex(final String hex) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < hex.length(); i += 2) {
            out.write(Integer.parseInt(hex.substring(i, i + 2), 16));
        }
        return out.toByteArray();
    }
}
