package io.ailurus.bench;

/** When appended bytes are made durable. */
enum SyncPolicy {
    /** Never during the run: the page cache absorbs everything (what Kafka does by default). */
    NONE,
    /** A flusher thread syncs at most every millisecond while the writer keeps appending (group commit). */
    GROUP_COMMIT_1MS,
    /** The writer syncs after every batch before appending the next: one fsync per batch. */
    EVERY_BATCH
}
