package io.ailurus.chaos.history;

/** One record a poll returned. */
public record Read(int partition, long offset, long value) {
}
