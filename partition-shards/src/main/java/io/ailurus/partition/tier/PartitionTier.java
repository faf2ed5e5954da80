package io.ailurus.partition.tier;

import io.ailurus.partition.log.LogConfig;

/** One replica's tiering, driven by the replica on its own thread. */
public interface PartitionTier {

    /** This replica now leads in {@code term} (uploads start), or no longer does (uploads stop). */
    void leadershipChanged(boolean leading, int term);

    /** The topic's configs changed (remote storage switched on or off, retention). */
    void configChanged(LogConfig config);

    /** DeleteRecords moved the partition's start: the bucket must not serve offsets below it either. */
    void logStartMoved(long logStartOffset);

    /** The topic was deleted: remove its objects from the bucket (when the topic asks for it). */
    void topicDeleted();

    /** The replica stops; uploads in flight are abandoned (the next leader continues from the manifest). */
    void close();

    /**
     * How old the active segment may grow before the leader rolls it so that its records reach the bucket (the node's
     * upload interval); -1 when this partition does not upload.
     */
    long activeSegmentMaxAgeMs();

    /** The read side, for the request path on any thread. */
    RemoteLog remote();

    PartitionTier NONE = new PartitionTier() {
        @Override
        public void leadershipChanged(final boolean leading, final int term) {
        }

        @Override
        public void configChanged(final LogConfig config) {
        }

        @Override
        public void logStartMoved(final long logStartOffset) {
        }

        @Override
        public void topicDeleted() {
        }

        @Override
        public void close() {
        }

        @Override
        public long activeSegmentMaxAgeMs() {
            return -1;
        }

        @Override
        public RemoteLog remote() {
            return RemoteLog.NONE;
        }
    };
}
