package io.ailurus.wasm.runtime;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import io.ailurus.wasm.abi.BatchHeader;
import io.ailurus.wasm.abi.InputRecord;
import io.ailurus.wasm.abi.Payloads;
import io.ailurus.wasm.abi.WriteOptions;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/**
 * Redpanda's {@code redpanda_transform} host module: the guest pulls batches with {@code read_batch_header} (which
 * blocks its thread until the host hands one over), reads them record by record and writes output payloads.
 * Return codes are the ABI's: -1 no active batch, -2 a buffer the host cannot accept, -3 a write it refuses.
 */
final class TransformAbi implements HostFunctions {

    static final String MODULE = "redpanda_transform";
    static final String ABI_V1 = "check_abi_version_1";
    static final String ABI_V2 = "check_abi_version_2";

    static final int NO_ACTIVE_TRANSFORM = -1;
    static final int INVALID_BUFFER = -2;
    static final int INVALID_WRITE = -3;

    private static final Map<String, FunctionType> TYPES = Map.of(
            ABI_V1, HostFunctions.i32s(0, false),
            ABI_V2, HostFunctions.i32s(0, false),
            "read_batch_header", HostFunctions.i32s(10, true),
            "read_next_record", HostFunctions.i32s(5, true),
            "write_record", HostFunctions.i32s(2, true),
            "write_record_with_options", HostFunctions.i32s(4, true));

    @Override
    public String moduleName() {
        return MODULE;
    }

    @Override
    public Set<String> names() {
        return TYPES.keySet();
    }

    @Override
    public FunctionType expectedType(final String name) {
        return TYPES.get(name);
    }

    @Override
    public WasmFunctionHandle bind(final String name, final FunctionType importedType, final GuestSession session) {
        return switch (name) {
            case ABI_V1, ABI_V2 -> (instance, args) -> null;
            case "read_batch_header" -> (instance, a) -> result(readBatchHeader(instance.memory(), session, a));
            case "read_next_record" -> (instance, a) -> result(readNextRecord(instance.memory(), session, a));
            case "write_record" -> (instance, a) -> result(write(instance.memory(), session, a, null));
            case "write_record_with_options" -> (instance, a) -> result(write(instance.memory(), session, a,
                    instance.memory().readBytes((int) a[2], (int) a[3])));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static long[] result(final int value) {
        return new long[] {value};
    }

    private static int readBatchHeader(final Memory memory, final GuestSession session, final long[] out) {
        final var batch = session.nextBatch();   // blocks this (the guest's) thread until the host hands one over
        final BatchHeader h = batch.header();
        memory.writeLong((int) out[0], h.baseOffset());
        memory.writeI32((int) out[1], h.recordCount());
        memory.writeI32((int) out[2], h.leaderEpoch());
        memory.writeShort((int) out[3], h.attributes());
        memory.writeI32((int) out[4], h.lastOffsetDelta());
        memory.writeLong((int) out[5], h.baseTimestamp());
        memory.writeLong((int) out[6], h.maxTimestamp());
        memory.writeLong((int) out[7], h.producerId());
        memory.writeShort((int) out[8], h.producerEpoch());
        memory.writeI32((int) out[9], h.baseSequence());
        return batch.largestPayload();
    }

    private static int readNextRecord(final Memory memory, final GuestSession session, final long[] a) {
        final InputRecord record = session.peekRecord();
        if (record == null) {
            return NO_ACTIVE_TRANSFORM;
        }
        final ByteBuffer payload = record.payload();
        final int length = payload.remaining();
        if (length > (int) a[4]) {
            return INVALID_BUFFER;   // the record stays next: the guest grows its buffer and asks again
        }
        if (payload.hasArray()) {
            memory.write((int) a[3], payload.array(), payload.arrayOffset() + payload.position(), length);
        } else {
            memory.write((int) a[3], session.scratch(payload), 0, length);
        }
        memory.writeByte((int) a[0], record.attributes());
        memory.writeLong((int) a[1], record.timestamp());
        memory.writeLong((int) a[2], record.offset());
        session.recordConsumed(record);
        return length;
    }

    private static int write(final Memory memory, final GuestSession session, final long[] a, final byte[] options) {
        if (!session.batchActive()) {
            return NO_ACTIVE_TRANSFORM;
        }
        int topicIndex = 0;
        if (options != null) {
            final String topic;
            try {
                topic = WriteOptions.outputTopic(options);
            } catch (WriteOptions.MalformedOptionsException e) {
                return INVALID_BUFFER;
            }
            if (topic != null) {
                topicIndex = session.environment().outputIndex(topic);
                if (topicIndex < 0) {
                    return INVALID_WRITE;
                }
            }
        }
        final int length = (int) a[1];
        final byte[] payload = memory.readBytes((int) a[0], length);
        if (!Payloads.isValid(payload)) {
            return INVALID_BUFFER;
        }
        session.emit(topicIndex, payload);
        return length;
    }
}
