package io.ailurus.wasm.abi;

/**
 * The fields of a Kafka record batch header that {@code read_batch_header} hands to the guest, in the ABI's order.
 * {@code leaderEpoch} is the Raft term the batch was written in; {@code baseTimestamp} the first record's.
 */
public record BatchHeader(long baseOffset, int recordCount, int leaderEpoch, short attributes, int lastOffsetDelta,
                          long baseTimestamp, long maxTimestamp, long producerId, short producerEpoch,
                          int baseSequence) {
}
