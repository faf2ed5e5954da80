package io.ailurus.chaos.history;

/** What an operation does (Jepsen's {@code :f}). */
public enum Fn {
    /** One record to one partition; completes with its offset. */
    SEND,
    /** One {@code consumer.poll}; completes with every record read, in order. */
    POLL,
    /** Manual assignment of partitions (a reset point for the poll-order checks). */
    ASSIGN,
    /** Group subscription (a reset point as well; polls after it may legally skip or rewind). */
    SUBSCRIBE,
    /** ListOffsets(latest) for every partition: the high watermarks the broker reports. */
    LIST_OFFSETS
}
