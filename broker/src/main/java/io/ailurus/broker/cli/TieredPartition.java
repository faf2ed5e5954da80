package io.ailurus.broker.cli;

/**
 * One partition of a tiered topic as {@code topic describe} shows it: where its local log starts, where the bucket's
 * part starts and how far it goes, and the leader's local bytes. A null figure could not be had (shown as {@code ?});
 * -1 for the bucket's offsets means the bucket holds nothing yet (shown as {@code -}).
 *
 * @param localStart  the local log start (ListOffsets EARLIEST_LOCAL)
 * @param remoteStart the first offset served from the bucket (EARLIEST, when the bucket holds anything)
 * @param tieredUpTo  the last offset in the bucket (LATEST_TIERED)
 * @param localBytes  the leader's replica on disk (DescribeLogDirs)
 */
record TieredPartition(Long localStart, Long remoteStart, Long tieredUpTo, Long localBytes) {

    /** The figures appended to the partition's line, tab-separated like the rest of it. */
    String columns() {
        return "\tLocalStart: " + offset(localStart)
                + "\tRemoteStart: " + offset(remoteStart)
                + "\tTieredUpTo: " + offset(tieredUpTo)
                + "\tLocalBytes: " + (localBytes == null ? "?" : localBytes.toString());
    }

    private static String offset(final Long offset) {
        return offset == null ? "?" : offset < 0 ? "-" : offset.toString();
    }
}
