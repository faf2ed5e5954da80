package io.ailurus.chaos.history;

/** One record a poll returned, or one send of a transaction (offset -1 until acknowledged). */
public record Read(int partition, long offset, long value) {
}
