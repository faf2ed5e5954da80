package io.ailurus.partition.replica;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The answer to an append, in the terms of a Produce response partition.
 *
 * @param error           NONE, or why nothing was appended
 * @param message         a human-readable reason for an error, or null
 * @param baseOffset      offset of the first appended record (the original one for a retried duplicate), or -1
 * @param logAppendTimeMs the broker timestamp on LogAppendTime topics, else -1
 * @param logStartOffset  the partition's log start offset
 */
public record AppendResult(Errors error, String message, long baseOffset, long logAppendTimeMs, long logStartOffset) {

    public static AppendResult failed(final Errors error, final String message, final long logStartOffset) {
        return new AppendResult(error, message, -1, RecordBatch.NO_TIMESTAMP, logStartOffset);
    }
}
