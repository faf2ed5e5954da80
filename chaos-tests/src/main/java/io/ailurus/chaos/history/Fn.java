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
    LIST_OFFSETS,
    /**
     * Transactional workload: one transaction of 1–4 sends ({@link Op#sends}) to the txn topic; ok = committed, fail =
     * aborted (on purpose, or after an error before the commit), info = the commit's outcome is unknown.
     */
    TXN,
    /**
     * Transactional workload: what one poll of the read_committed transform consumer returned ({@link Op#reads}, txn
     * topic), copied to the output topic in one transaction with the consumer's offsets. The reads are trusted
     * whatever the outcome; the outcome is the copy's.
     */
    TXN_TRANSFORM,
    /** Transactional workload's final read: one read_committed poll of the txn topic. */
    TXN_READ_COMMITTED,
    /** Transactional workload's final read: one read_uncommitted poll of the txn topic. */
    TXN_READ_UNCOMMITTED,
    /** Transactional workload's final read: one read_committed poll of the output topic. */
    TXN_OUT_READ_COMMITTED,
    /** Transactional workload's final read: one read_uncommitted poll of the output topic. */
    TXN_OUT_READ_UNCOMMITTED
}
