package io.ailurus.bench;

import java.util.List;

/**
 * One line of the benchmark: what is written to (raw file or SegmentLog) and how it is made durable.
 *
 * @param id     the letter from the spec, with a suffix where one letter has two variants
 * @param label  what the table shows
 * @param log    true for the SegmentLog, false for the raw file
 * @param policy when data is made durable
 */
record Mode(String id, String label, boolean log, SyncPolicy policy) {

    static final Mode RAW = new Mode("a", "raw write", false, SyncPolicy.NONE);
    static final Mode RAW_FORCE_1MS = new Mode("b1", "raw + force/1ms", false, SyncPolicy.GROUP_COMMIT_1MS);
    static final Mode RAW_FORCE_BATCH = new Mode("b2", "raw + force/batch", false, SyncPolicy.EVERY_BATCH);
    static final Mode LOG = new Mode("c", "log append", true, SyncPolicy.NONE);
    static final Mode LOG_FLUSH_1MS = new Mode("d", "log + flush/1ms", true, SyncPolicy.GROUP_COMMIT_1MS);
    static final Mode LOG_FLUSH_BATCH = new Mode("e", "log + flush/batch", true, SyncPolicy.EVERY_BATCH);

    /** Raw then log for each durability level, so each pair runs close together in time. */
    static final List<Mode> ALL = List.of(RAW, LOG, RAW_FORCE_1MS, LOG_FLUSH_1MS, RAW_FORCE_BATCH, LOG_FLUSH_BATCH);

    /** An fsync per batch can be ~1000x slower than a page-cache write: those runs are capped in time. */
    boolean timeCapped() {
        return policy == SyncPolicy.EVERY_BATCH;
    }
}
