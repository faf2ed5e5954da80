package io.ailurus.wasm.abi;

/**
 * A record the guest wrote: the index of its output topic in the transform's list (0 = the default) and its payload
 * (key, value, headers in the record payload format), checked by {@link Payloads#isValid}.
 */
public record OutputRecord(int topicIndex, byte[] payload) {
}
